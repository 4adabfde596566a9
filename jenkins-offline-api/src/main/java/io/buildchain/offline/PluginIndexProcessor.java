package io.buildchain.offline;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.tools.StandardLocation;

/**
 * Writes the resources that, in a real plugin build, stapler's and annotation-indexer's processors write
 * (neither jar can be had from Maven Central): {@code <Class>.stapler} with the parameter names of each
 * {@code @DataBoundConstructor} ({@code constructor=a,b}) and {@code <Class>/<method>.stapler} with those of each
 * method taking a {@code @QueryParameter} ({@code a,b}), so Stapler binds forms and form checks without reading
 * bytecode, and
 * {@code META-INF/annotations/<annotation>} listing, one binary name a line in sorted order, the classes that
 * carry or declare a member carrying an annotation meta-annotated {@code @Indexed} (such as
 * {@code @org.jenkinsci.Symbol}). Same names and content as those tools, without their date comment, so the jar
 * is reproducible. Registered through META-INF/services, so javac runs it for whatever compiles against this jar.
 */
@SupportedAnnotationTypes("*")
public final class PluginIndexProcessor extends AbstractProcessor {
    static final String DATA_BOUND_CONSTRUCTOR = "org.kohsuke.stapler.DataBoundConstructor";
    static final String QUERY_PARAMETER = "org.kohsuke.stapler.QueryParameter";
    static final String INDEXED = "org.jvnet.hudson.annotation_indexer.Indexed";

    private final Map<String, String> constructors = new TreeMap<>();
    private final Map<String, String> webMethods = new TreeMap<>();
    private final Map<String, Set<String>> indexes = new TreeMap<>();
    private final List<Element> origins = new ArrayList<>();

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latest();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (TypeElement annotation : annotations) {
            String name = annotation.getQualifiedName().toString();
            if (name.equals(DATA_BOUND_CONSTRUCTOR)) {
                for (Element constructor : round.getElementsAnnotatedWith(annotation)) {
                    recordConstructor((ExecutableElement) constructor);
                }
            } else if (name.equals(QUERY_PARAMETER)) {
                for (Element parameter : round.getElementsAnnotatedWith(annotation)) {
                    if (parameter.getEnclosingElement() instanceof ExecutableElement method) {
                        recordWebMethod(method);
                    }
                }
            } else if (hasAnnotation(annotation, INDEXED)) {
                String binary = processingEnv.getElementUtils().getBinaryName(annotation).toString();
                for (Element element : round.getElementsAnnotatedWith(annotation)) {
                    Element type = element.getKind().isClass() || element.getKind().isInterface() ? element
                            : element.getEnclosingElement();
                    indexes.computeIfAbsent(binary, k -> new TreeSet<>()).add(processingEnv.getElementUtils()
                            .getBinaryName((TypeElement) type).toString());
                    origins.add(element);
                }
            }
        }
        if (round.processingOver()) {
            constructors.forEach((file, names) -> write(file, "constructor=" + names + "\n"));
            webMethods.forEach(this::write);
            indexes.forEach((annotation, classes) -> write("META-INF/annotations/" + annotation,
                    classes.stream().map(c -> c + "\n").reduce("", String::concat)));
        }
        return false;
    }

    private void recordConstructor(ExecutableElement constructor) {
        if (constructor.getKind() != ElementKind.CONSTRUCTOR) {
            return;
        }
        List<String> names = parameterNames(constructor);
        TypeElement owner = (TypeElement) constructor.getEnclosingElement();
        // Stapler looks the file up by the qualified name with every '.' a '/', as its processor writes it.
        constructors.put(owner.getQualifiedName().toString().replace('.', '/') + ".stapler", String.join(",", names));
        origins.add(constructor);
    }

    /** A web method with a {@code @QueryParameter}: stapler names its file {@code <Class>/<method>.stapler}. */
    private void recordWebMethod(ExecutableElement method) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        webMethods.put(owner.getQualifiedName().toString().replace('.', '/') + "/" + method.getSimpleName()
                + ".stapler", String.join(",", parameterNames(method)));
        origins.add(method);
    }

    private static List<String> parameterNames(ExecutableElement method) {
        List<String> names = new ArrayList<>();
        for (VariableElement parameter : method.getParameters()) {
            names.add(parameter.getSimpleName().toString());
        }
        return names;
    }

    private static boolean hasAnnotation(Element element, String annotation) {
        for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
            if (((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().contentEquals(annotation)) {
                return true;
            }
        }
        return false;
    }

    private void write(String resource, String content) {
        try (OutputStream out = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "", resource,
                origins.toArray(Element[]::new)).openOutputStream()) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + resource, e);
        }
    }
}
