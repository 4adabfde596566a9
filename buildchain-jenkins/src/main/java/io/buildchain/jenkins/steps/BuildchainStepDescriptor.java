package io.buildchain.jenkins.steps;

import hudson.util.FormValidation;
import io.buildchain.core.BuildchainException;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.StaplerRequest2;

/**
 * The descriptor of every buildchain step. A field left empty in the step's form (the Snippet Generator, a
 * configuration page) means "not given": Stapler would otherwise bind {@code ""} to an optional {@code Long} or
 * {@code Integer} as 0, and a copied snippet would pin {@code time: 0}, 1970, instead of the commit time. A value
 * the step refuses is shown next to its field ({@code doCheck...}, the step's own rule) and, when the form is sent
 * anyway, as the step's one-line refusal instead of an error page.
 */
public abstract class BuildchainStepDescriptor extends StepDescriptor {
    @Override
    public Step newInstance(StaplerRequest2 req, JSONObject formData) {
        try {
            return super.newInstance(req, withoutEmptyFields(formData));
        } catch (RuntimeException | LinkageError e) {
            // Jenkins wraps the constructor's refusal in a LinkageError, which the Snippet Generator answers with HTTP 500.
            throw formRefusal(getFunctionName(), e);
        }
    }

    /** The form's values without the blank text fields, as if they had not been sent. */
    static JSONObject withoutEmptyFields(JSONObject formData) {
        JSONObject kept = new JSONObject();
        for (Object key : formData.keySet()) {
            Object value = formData.get(key);
            if (!(value instanceof String text && text.isBlank())) {
                kept.put(key, value);
            }
        }
        return kept;
    }

    /** What the step says of a field's value, shown next to the field. */
    static FormValidation validate(Runnable binding) {
        String refusal = refusal(binding);
        return refusal == null ? FormValidation.ok() : FormValidation.error(refusal);
    }

    /** The one-line refusal {@code binding} (a step's constructor or setter) ends with, or null if it accepts. */
    static String refusal(Runnable binding) {
        try {
            binding.run();
            return null;
        } catch (NumberFormatException e) {
            return "expected a whole number";
        } catch (BuildchainException e) {
            return e.getMessage();
        }
    }

    /**
     * The step's own refusal found inside the layers Stapler and Jenkins wrap it in, as one line without a stack
     * trace (the Snippet Generator prints what it catches); anything else as it was.
     */
    static RuntimeException formRefusal(String functionName, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BuildchainException refused) {
                return new FormRefusal(functionName + ": " + refused.getMessage());
            }
        }
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        throw (Error) failure;
    }

    /** A refused form: printed as its message alone. */
    static final class FormRefusal extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        FormRefusal(String message) {
            super(message);
            setStackTrace(new StackTraceElement[0]);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
