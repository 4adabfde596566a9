package org.kohsuke.stapler.verb;

import org.kohsuke.stapler.interceptor.Interceptor;

public class HttpVerbInterceptor extends Interceptor {
}
