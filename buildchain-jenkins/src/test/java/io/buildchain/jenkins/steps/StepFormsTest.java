package io.buildchain.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.build.BuildNode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import net.sf.json.JSONObject;
import org.apache.commons.beanutils.ConvertUtilsBean;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Form to step to snippet, for every step and every optional field, empty and filled. Offline, with what Jenkins
 * does at each stage: the step's descriptor cleans the submitted form ({@link BuildchainStepDescriptor}); Stapler
 * binds it, the {@code @DataBoundConstructor} by the parameter names of the generated {@code .stapler} file and
 * then each {@code @DataBoundSetter} whose field was sent, converting values with a fresh commons-beanutils
 * {@code ConvertUtilsBean} as {@code Stapler.CONVERT_UTILS} is; the Snippet Generator writes the arguments whose
 * getters are not null. The real round trip runs in hpi/ (PipelineTest) where Jenkins is available.
 */
class StepFormsTest {
    @TempDir
    Path dir;

    @Test
    void anEmptySourceTimeGivesASnippetWithoutTime() {
        assertThat(roundTrip(ManifestStep.class, form("dir", "dist", "id", "linux-a", "time", "")))
                .isEqualTo("buildchainManifest dir: 'dist', id: 'linux-a'");
        assertThat(roundTrip(ManifestStep.class, form("dir", "dist", "id", "linux-a", "time", "  ")))
                .isEqualTo("buildchainManifest dir: 'dist', id: 'linux-a'");
        assertThat(roundTrip(ManifestStep.class, form("dir", "dist", "id", "linux-a", "time", "1700000000")))
                .isEqualTo("buildchainManifest dir: 'dist', id: 'linux-a', time: 1700000000");
    }

    @Test
    void theInTotoCheckboxBindsAndIsRefusedWithoutARelease() {
        assertThat(bind(ManifestStep.class, form("dir", "dist", "project", "hello", "branch", "main", "inToto", "true"))
                .isInToto()).isTrue();
        assertThat(bind(ManifestStep.class, form("dir", "dist", "inToto", "false")).isInToto()).isFalse();
        ManifestStep withoutRelease = bind(ManifestStep.class, form("dir", "dist", "inToto", "true"));
        assertThatThrownBy(() -> withoutRelease.start(null)).hasMessage("buildchainManifest: inToto needs project and "
                + "branch (the link names the release record's revision)");
    }

    @Test
    void withoutTheDescriptorAnEmptySourceTimeBindsAsZero() {
        // The finding: Stapler's converters turn "" into 0 for a Long, and the snippet pinned 1970.
        ManifestStep step = bind(ManifestStep.class, form("dir", "dist", "id", "a", "time", ""));
        assertThat(step.getTime()).isZero();
    }

    @Test
    void signStepHasOnlyItsRequiredManifest() {
        assertThat(roundTrip(SignStep.class, form("manifest", "linux-a"))).isEqualTo("buildchainSign manifest: 'linux-a'");
        assertThatThrownBy(() -> roundTrip(SignStep.class, form("manifest", "")))
                .hasRootCauseMessage("manifest is required: the id given to buildchainManifest, or the manifest digest "
                        + "it returned");
    }

    @Test
    void publishStepQuorumAndTrustedKeysEmptyAndFilled() throws IOException {
        String key = new BuildNode(dir).publicKey().toString();
        assertThat(roundTrip(PublishStep.class, form("project", "hello", "branch", "main", "quorum", "",
                "trustedKeys", ""))).isEqualTo("buildchainPublish branch: 'main', project: 'hello'");
        assertThat(roundTrip(PublishStep.class, form("project", "hello", "branch", "main", "quorum", "2",
                "trustedKeys", ""))).isEqualTo("buildchainPublish branch: 'main', project: 'hello', quorum: 2");
        assertThat(roundTrip(PublishStep.class, form("project", "hello", "branch", "main", "quorum", "",
                "trustedKeys", key + " linux-a"))).isEqualTo("buildchainPublish branch: 'main', project: 'hello', "
                        + "trustedKeys: '" + key + " linux-a'");
        assertThat(roundTrip(PublishStep.class, form("project", "hello", "branch", "main", "quorum", "3",
                "trustedKeys", key + " linux-a"))).isEqualTo("buildchainPublish branch: 'main', project: 'hello', "
                        + "quorum: 3, trustedKeys: '" + key + " linux-a'");
    }

    @Test
    void theDescriptorKeepsEverythingButBlankFields() {
        JSONObject submitted = form("dir", "dist", "id", "", "time", " ", "stapler-class", ManifestStep.class.getName());
        submitted.put("nested", form("a", "b"));
        JSONObject kept = BuildchainStepDescriptor.withoutEmptyFields(submitted);
        assertThat(new TreeMap<>(kept)).containsOnlyKeys("dir", "stapler-class", "nested");
        assertThat(kept.getJSONObject("nested").getString("a")).isEqualTo("b");
        assertThat(submitted.has("id") && submitted.has("time")).as("the submitted form is left as it was").isTrue();
    }

    /**
     * The Snippet Generator with an empty required field answered HTTP 500: Stapler wraps the constructor's refusal,
     * and Jenkins' Descriptor.newInstance wraps that in a LinkageError. The descriptor finds the refusal inside and
     * throws it as one line, which the Snippet Generator prints as it is.
     */
    @Test
    void anEmptyRequiredFieldIsTheStepsOneLineRefusalNotAnErrorPage() {
        Throwable wrapped = new LinkageError("Failed to instantiate class SignStep from {\"manifest\":\"\"}",
                new IllegalArgumentException("Failed to instantiate class SignStep",
                        new InvocationTargetException(catching(() -> new SignStep("")))));
        RuntimeException refusal = BuildchainStepDescriptor.formRefusal("buildchainSign", wrapped);
        assertThat(refusal).hasMessage("buildchainSign: manifest is required: the id given to buildchainManifest, or "
                + "the manifest digest it returned").hasNoCause();
        assertThat(refusal.getStackTrace()).isEmpty();
        // As Jenkins' Functions.printThrowable prints what the Snippet Generator caught: toString, then each frame.
        assertThat(refusal.toString()).isEqualTo(refusal.getMessage());
        assertThat(refusal).isInstanceOf(RuntimeException.class);

        IllegalStateException unrelated = new IllegalStateException("a bug");
        assertThat(BuildchainStepDescriptor.formRefusal("buildchainSign", unrelated)).isSameAs(unrelated);
        LinkageError linkage = new LinkageError("no such class");
        assertThatThrownBy(() -> BuildchainStepDescriptor.formRefusal("buildchainSign", linkage)).isSameAs(linkage);
    }

    @Test
    void everyRequiredArgumentHasAFormCheckThatUsesTheStepsOwnRule() throws Exception {
        for (Class<? extends Step> step : List.of(ManifestStep.class, SignStep.class, PublishStep.class,
                AgentsStep.class)) {
            Class<?> descriptor = Class.forName(step.getName() + "$DescriptorImpl");
            for (String parameter : staplerParameterNames(step)) {
                String check = "doCheck" + Character.toUpperCase(parameter.charAt(0)) + parameter.substring(1);
                assertThat(descriptor.getMethod(check, String.class).getParameters()[0].getAnnotation(
                        org.kohsuke.stapler.QueryParameter.class)).as(step.getSimpleName() + "." + check).isNotNull();
            }
        }
        assertThat(BuildchainStepDescriptor.refusal(() -> new SignStep(" "))).startsWith("manifest is required");
        assertThat(BuildchainStepDescriptor.refusal(() -> new SignStep("linux-a"))).isNull();
        assertThat(BuildchainStepDescriptor.refusal(() -> new AgentsStep("", 1))).startsWith("label is required");
        assertThat(BuildchainStepDescriptor.refusal(() -> new AgentsStep("b", Integer.parseInt("three"))))
                .isEqualTo("expected a whole number");
        assertThat(BuildchainStepDescriptor.refusal(() -> new ManifestStep("", null))).startsWith("dir: the build's "
                + "output directory is required");
        assertThat(BuildchainStepDescriptor.refusal(() -> new PublishStep("a/b", "main"))).contains("project");
    }

    private static Throwable catching(Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("no refusal");
    }

    private static JSONObject form(String... namesAndValues) {
        JSONObject json = new JSONObject();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            json.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return json;
    }

    private static String roundTrip(Class<? extends Step> type, JSONObject submitted) {
        Step step = bind(type, BuildchainStepDescriptor.withoutEmptyFields(submitted));
        return snippet(step);
    }

    /** Stapler's bindJSON for a {@code @DataBoundConstructor} class with {@code @DataBoundSetter}s. */
    private static <T> T bind(Class<T> type, JSONObject form) {
        ConvertUtilsBean converters = new ConvertUtilsBean();
        try {
            Constructor<?> constructor = null;
            for (Constructor<?> c : type.getConstructors()) {
                if (c.isAnnotationPresent(DataBoundConstructor.class)) {
                    constructor = c;
                }
            }
            String[] names = staplerParameterNames(type);
            Object[] args = new Object[names.length];
            for (int i = 0; i < names.length; i++) {
                Object value = form.opt(names[i]);
                args[i] = value == null ? null : converters.convert(value.toString(),
                        constructor.getParameterTypes()[i]);
            }
            T step = type.cast(constructor.newInstance(args));
            for (Method setter : type.getMethods()) {
                String property = property(setter, "set");
                if (setter.isAnnotationPresent(DataBoundSetter.class) && form.has(property)) {
                    setter.invoke(step, converters.convert(form.get(property).toString(),
                            setter.getParameterTypes()[0]));
                }
            }
            return step;
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("binding " + type.getSimpleName() + " from " + form, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] staplerParameterNames(Class<?> type) {
        try (InputStream in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/')
                + ".stapler")) {
            assertThat(in).as(type.getName() + ".stapler, written by the build").isNotNull();
            Properties file = new Properties();
            file.load(in);
            return file.getProperty("constructor").split(",");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Snippet Generator's rendering of a step: its function name, then every non-null property by name. */
    private static String snippet(Step step) {
        Map<String, Object> arguments = new TreeMap<>();
        try {
            for (Method getter : step.getClass().getMethods()) {
                String property = property(getter, "get");
                if (property != null && getter.getParameterCount() == 0 && getter.getDeclaringClass() == step.getClass()) {
                    Object value = getter.invoke(step);
                    if (value != null) {
                        arguments.put(property, value);
                    }
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        List<String> rendered = new ArrayList<>();
        arguments.forEach((name, value) -> rendered.add(name + ": " + (value instanceof String ? "'" + value + "'"
                : value)));
        return functionName(step) + " " + String.join(", ", rendered);
    }

    /** The descriptors' getFunctionName() (a descriptor cannot be built without Jenkins). */
    private static String functionName(Step step) {
        return Map.of(ManifestStep.class, "buildchainManifest", SignStep.class, "buildchainSign", PublishStep.class,
                "buildchainPublish").get(step.getClass());
    }

    private static String property(Method method, String prefix) {
        String name = method.getName();
        if (!name.startsWith(prefix) || name.length() == prefix.length()) {
            return null;
        }
        return Character.toLowerCase(name.charAt(prefix.length())) + name.substring(prefix.length() + 1);
    }
}
