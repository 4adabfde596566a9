package io.buildchain.jenkins.web;

import hudson.Extension;
import hudson.model.Action;
import hudson.model.Computer;
import hudson.model.Job;
import hudson.model.Run;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.jenkins.JenkinsPaths;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import jenkins.model.TransientActionFactory;

/** Adds the "Build chain" links where there is something to show; nothing is persisted in jobs or builds. */
public final class ActionFactories {
    private ActionFactories() {
    }

    /** {@code Job.class} as the {@code Class} of the parameterized type {@code Job<?, ?>}, which has no literal. */
    @SuppressWarnings("unchecked")
    private static <T> Class<T> wildcard(Class<?> raw) {
        return (Class<T>) raw;
    }

    @Extension
    public static final class ForJobs extends TransientActionFactory<Job<?, ?>> {
        @Override
        public Class<Job<?, ?>> type() {
            return wildcard(Job.class);
        }

        @Override
        public Class<? extends Action> actionType() {
            return JobChainAction.class;
        }

        @Override
        public Collection<? extends Action> createFor(Job<?, ?> target) {
            try {
                return JenkinsPaths.owners().branches(target.getFullName()).isEmpty() ? List.of()
                        : List.of(new JobChainAction(target));
            } catch (IOException e) {
                return List.of();
            }
        }
    }

    @Extension
    public static final class ForRuns extends TransientActionFactory<Run<?, ?>> {
        @Override
        public Class<Run<?, ?>> type() {
            return wildcard(Run.class);
        }

        @Override
        public Class<? extends Action> actionType() {
            return RunChainAction.class;
        }

        @Override
        public Collection<? extends Action> createFor(Run<?, ?> target) {
            return JenkinsPaths.runRecord(target).isEmpty() ? List.of() : List.of(new RunChainAction(target));
        }
    }

    @Extension
    public static final class ForAgents extends TransientActionFactory<Computer> {
        @Override
        public Class<Computer> type() {
            return Computer.class;
        }

        @Override
        public Class<? extends Action> actionType() {
            return BuilderKeyAction.class;
        }

        @Override
        public Collection<? extends Action> createFor(Computer target) {
            String name = target.getName().isEmpty() ? "built-in" : target.getName();
            try {
                Optional<PublicKey> key = JenkinsPaths.seenBuilders().keyOf(name);
                return key.isEmpty() ? List.of() : List.of(new BuilderKeyAction(target, key.get()));
            } catch (IOException e) {
                return List.of();
            }
        }
    }
}
