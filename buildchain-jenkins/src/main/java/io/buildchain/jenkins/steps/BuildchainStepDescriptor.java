package io.buildchain.jenkins.steps;

import net.sf.json.JSONObject;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.StaplerRequest2;

/**
 * The descriptor of every buildchain step. A field left empty in the step's form (the Snippet Generator, a
 * configuration page) means "not given": Stapler would otherwise bind {@code ""} to an optional {@code Long} or
 * {@code Integer} as 0, and a copied snippet would pin {@code time: 0}, 1970, instead of the commit time.
 */
public abstract class BuildchainStepDescriptor extends StepDescriptor {
    @Override
    public Step newInstance(StaplerRequest2 req, JSONObject formData) {
        return super.newInstance(req, withoutEmptyFields(formData));
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
}
