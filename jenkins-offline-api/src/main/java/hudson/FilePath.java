package hudson;

import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import org.jenkinsci.remoting.RoleSensitive;

public final class FilePath implements org.jenkinsci.remoting.SerializableOnlyOverRemoting {
    public FilePath(VirtualChannel channel, String remote) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public FilePath(File localPath) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public interface FileCallable<T> extends Serializable, RoleSensitive {
        T invoke(File f, VirtualChannel channel) throws IOException, InterruptedException;
    }

    public <T> T act(FileCallable<T> callable) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public FilePath child(String relOrAbsolute) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public String getRemote() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public void copyTo(FilePath target) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public int copyRecursiveTo(hudson.util.DirScanner scanner, FilePath target, String description) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }
}
