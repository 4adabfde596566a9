package org.kohsuke.stapler;

import java.lang.annotation.Annotation;

public abstract class AnnotationHandler<T extends Annotation> {
}
