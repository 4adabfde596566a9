package io.buildchain.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.jenkins.config.BuildchainConfiguration;
import io.buildchain.jenkins.steps.AgentsStep;
import io.buildchain.jenkins.steps.ManifestStep;
import io.buildchain.jenkins.steps.PublishStep;
import io.buildchain.jenkins.steps.SignStep;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What the Jenkins plugin build checks (the harness's injected test) and what the Snippet Generator and the
 * settings page need, checked here on the compiled output: every Jelly escapes by default, every step and
 * setting has help, the extension index lists every extension, and no stub class is in the output.
 */
class PluginResourcesTest {
    static final Path CLASSES = Path.of("target/classes");

    @Test
    void everyJellyFileEscapesByDefault() throws IOException {
        List<Path> jelly = files(".jelly");
        assertThat(jelly).hasSizeGreaterThanOrEqualTo(7);
        for (Path file : jelly) {
            assertThat(Files.readString(file, StandardCharsets.UTF_8)).as(file.toString())
                    .startsWith("<?jelly escape-by-default='true'?>");
        }
        assertThat(CLASSES.resolve("index.jelly")).exists();
    }

    @Test
    void everyStepArgumentAndSettingHasHelp() {
        for (Class<?> step : List.of(ManifestStep.class, SignStep.class, PublishStep.class, AgentsStep.class)) {
            Path views = CLASSES.resolve(step.getName().replace('.', '/'));
            assertThat(views.resolve("help.html")).exists();
            assertThat(views.resolve("config.jelly")).exists();
            for (String property : properties(step)) {
                assertThat(views.resolve("help-" + property + ".html")).as(step.getSimpleName() + "." + property)
                        .exists();
            }
        }
        Path settings = CLASSES.resolve(BuildchainConfiguration.class.getName().replace('.', '/'));
        List<String> fields = new ArrayList<>();
        for (Method setter : BuildchainConfiguration.class.getMethods()) {
            if (setter.isAnnotationPresent(DataBoundSetter.class)) {
                String name = setter.getName().substring(3);
                fields.add(Character.toLowerCase(name.charAt(0)) + name.substring(1));
            }
        }
        assertThat(fields).containsExactlyInAnyOrder("signerLabel", "serialPort", "baud", "signerTimeout", "agentWait", "signerKey",
                "trustedBuilderKeys", "rootKey", "defaultQuorum");
        for (String field : fields) {
            assertThat(settings.resolve("help-" + field + ".html")).as(field).exists();
        }
    }

    @Test
    void theFanOutVariableHasHelpAndItsGroovyIsPackagedBesideIt() {
        Path views = CLASSES.resolve("io/buildchain/jenkins/pipeline");
        assertThat(views.resolve("BuildchainBuildVariable/help.jelly")).content().startsWith("<?jelly escape-by-default='true'?>");
        assertThat(views.resolve("BuildchainBuild.groovy")).exists();
    }

    @Test
    void theExtensionIndexIsGeneratedAndNoStubIsPackaged() throws IOException {
        Path index = CLASSES.resolve("META-INF/annotations/hudson.Extension");
        assertThat(index).isNotEmptyFile();
        String listed = Files.readString(CLASSES.resolve("META-INF/annotations/hudson.Extension.txt"));
        assertThat(listed).contains("io.buildchain.jenkins.config.BuildchainConfiguration",
                "io.buildchain.jenkins.steps.ManifestStep$DescriptorImpl",
                "io.buildchain.jenkins.steps.SignStep$DescriptorImpl",
                "io.buildchain.jenkins.steps.PublishStep$DescriptorImpl",
                "io.buildchain.jenkins.steps.AgentsStep$DescriptorImpl",
                "io.buildchain.jenkins.pipeline.BuildchainBuildVariable",
                "io.buildchain.jenkins.pipeline.BuildchainGroovyAllowlist",
                "io.buildchain.jenkins.web.ActionFactories$ForJobs",
                "io.buildchain.jenkins.web.ActionFactories$ForRuns",
                "io.buildchain.jenkins.web.ActionFactories$ForAgents");
        for (String stubPackage : List.of("hudson", "jenkins", "org")) {
            assertThat(CLASSES.resolve(stubPackage)).doesNotExist();
        }
    }

    /** Step properties as the Snippet Generator sees them: one public getter each. */
    private static List<String> properties(Class<?> step) {
        List<String> names = new ArrayList<>();
        for (Method getter : step.getDeclaredMethods()) {
            if (getter.getName().startsWith("get") && getter.getParameterCount() == 0
                    && java.lang.reflect.Modifier.isPublic(getter.getModifiers())) {
                String name = getter.getName().substring(3);
                names.add(Character.toLowerCase(name.charAt(0)) + name.substring(1));
            }
        }
        assertThat(names).as(step.getSimpleName()).isNotEmpty();
        return names;
    }

    private static List<Path> files(String suffix) throws IOException {
        try (Stream<Path> walk = Files.walk(CLASSES)) {
            return walk.filter(p -> p.toString().endsWith(suffix)).toList();
        }
    }
}
