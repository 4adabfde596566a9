package org.jenkinsci.plugins.workflow.cps;

import com.cloudbees.groovy.cps.SerializableScript;

public abstract class CpsScript extends SerializableScript {
}
