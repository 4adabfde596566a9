package io.buildchain.jenkins.web;

import io.buildchain.core.view.FileReply;
import io.buildchain.core.view.StoreRoutes;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/** Sends what {@link StoreRoutes} decided through Stapler: store files as they are, pages inside Jenkins' layout. */
final class StoreResponses {
    private StoreResponses() {
    }

    static void send(StaplerRequest2 req, StaplerResponse2 rsp, StoreRoutes.Answer answer, Object owner)
            throws IOException, ServletException {
        if (answer instanceof StoreRoutes.StoreFile file) {
            FileReply reply = FileReply.plan(file, req.getHeader("If-None-Match"), req.getHeader("Range"));
            rsp.setStatus(reply.status());
            reply.headers().forEach(rsp::setHeader);
            if (reply.hasBody() && !"HEAD".equals(req.getMethod())) {
                reply.copyBody(rsp.getOutputStream());
            }
            return;
        }
        StoreRoutes.Page page = (StoreRoutes.Page) answer;
        rsp.setStatus(page.status());
        if (!page.contentType().startsWith("text/html")) {
            byte[] body = page.body().getBytes(StandardCharsets.UTF_8);
            rsp.setContentType(page.contentType());
            rsp.setContentLength(body.length);
            rsp.getOutputStream().write(body);
            return;
        }
        req.getView(new ChainPage(owner, "Build chain", page.body()), "index.jelly").forward(req, rsp);
    }
}
