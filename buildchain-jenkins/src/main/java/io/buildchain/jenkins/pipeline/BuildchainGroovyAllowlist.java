package io.buildchain.jenkins.pipeline;

import hudson.Extension;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.GroovySourceFileAllowlist;

/**
 * Lets Pipeline compile this plugin's own Groovy ({@code BuildchainBuild.groovy}, the value of
 * {@code buildchainBuild}). Since SECURITY-2824 workflow-cps hands a plugin's {@code .groovy} resource to its
 * trusted, unsandboxed shell only when an extension of this point allows the resource's URL; without one the
 * variable fails with a ClassNotFoundException. Allowed are exactly the URLs this plugin's class loader gives for
 * its own files: the same path in another jar (a second plugin, a directory on the class path) is not.
 */
@Extension(optional = true)
public class BuildchainGroovyAllowlist extends GroovySourceFileAllowlist {
    /** Every .groovy resource of the plugin, by class name. */
    static final List<String> SOURCES = List.of(BuildchainBuildVariable.GROOVY_CLASS);

    private final List<String> allowed = new ArrayList<>();

    public BuildchainGroovyAllowlist() {
        for (String source : SOURCES) {
            URL own = BuildchainGroovyAllowlist.class.getClassLoader()
                    .getResource(source.replace('.', '/') + ".groovy");
            if (own != null) {
                allowed.add(own.toExternalForm());
            }
        }
    }

    @Override
    public boolean isAllowed(String groovySourceFileUrl) {
        return allowed.contains(groovySourceFileUrl);
    }
}
