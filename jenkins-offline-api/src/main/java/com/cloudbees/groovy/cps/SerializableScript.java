package com.cloudbees.groovy.cps;

import groovy.lang.Script;
import java.io.Serializable;

public abstract class SerializableScript extends Script implements Serializable {
}
