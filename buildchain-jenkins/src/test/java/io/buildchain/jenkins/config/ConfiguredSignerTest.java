package io.buildchain.jenkins.config;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.TaskListener;
import io.buildchain.core.chain.BlockSigner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The settings' signer wraps the agent's, to remember the key that answered: it must pass on every signing method the
 * publisher calls. In a real Jenkins it did not pass on {@code signOnce}, so a builder's request went out on all
 * three tries and reached a signer restarted during the wait.
 */
class ConfiguredSignerTest {
    @Test
    void theSettingsSignerPassesOnEverySigningMethod() throws Exception {
        BuildchainConfiguration config = unconstructed();
        set(config, "signerLabel", "signer");
        set(config, "serialPort", "/dev/ttyUSB0");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        BlockSigner signer = config.signer(new TaskListener() {
            @Override
            public PrintStream getLogger() {
                return out;
            }
        });
        List<String> notPassedOn = Arrays.stream(BlockSigner.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                .filter(m -> declared(signer.getClass(), m) == null)
                .map(Method::getName).toList();
        assertThat(notPassedOn).as("BlockSigner methods the settings' signer does not pass on to the agent's").isEmpty();
    }

    private static Method declared(Class<?> type, Method method) {
        try {
            return type.getDeclaredMethod(method.getName(), method.getParameterTypes());
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static void set(Object target, String name, Object value) throws Exception {
        Field field = BuildchainConfiguration.class.getDeclaredField(name);
        field.setAccessible(true);
        field.set(target, value);
    }

    private static BuildchainConfiguration unconstructed() throws Exception {
        Constructor<?> plain = sun.reflect.ReflectionFactory.getReflectionFactory().newConstructorForSerialization(
                BuildchainConfiguration.class, Object.class.getDeclaredConstructor());
        return (BuildchainConfiguration) plain.newInstance();
    }
}
