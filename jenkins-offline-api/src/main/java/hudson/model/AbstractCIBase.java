package hudson.model;

public abstract class AbstractCIBase extends Node {
}
