package org.kohsuke.stapler;

public final class HttpRedirect extends RuntimeException implements HttpResponse {
    public HttpRedirect(String url) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }
}
