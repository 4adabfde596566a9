package hudson.model;

import java.io.PrintStream;

public interface TaskListener extends org.jenkinsci.remoting.SerializableOnlyOverRemoting {
    PrintStream getLogger();
}
