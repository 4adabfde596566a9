package io.buildchain.jenkins.config;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Computer;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import io.buildchain.core.BuildchainException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.UnexpectedKeyException;
import io.buildchain.core.ci.SettingsCheck;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.root.KeyChangeGuard;
import io.buildchain.core.root.RootStatement;
import io.buildchain.core.root.RootStatements;
import io.buildchain.core.root.TrustRefusal;
import io.buildchain.core.store.BlockImport;
import io.buildchain.jenkins.JenkinsPaths;
import io.buildchain.jenkins.agent.AgentSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * Manage Jenkins &gt; System &gt; Build chain; {@code unclassified: buildchain:} in Configuration as Code.
 * Which agent the signing node's serial line is attached to, the pinned signer key or the offline root key
 * that certifies signer keys, the trusted builder keys and the default quorum.
 */
@Extension
@Symbol("buildchain")
public class BuildchainConfiguration extends GlobalConfiguration {
    public static final int DEFAULT_BAUD = 57600;
    public static final int DEFAULT_QUORUM = 2;

    private String signerLabel;
    private String serialPort;
    private int baud = DEFAULT_BAUD;
    private int signerTimeout = SettingsCheck.DEFAULT_SIGNER_TIMEOUT_SECONDS;
    private int agentWait = SettingsCheck.DEFAULT_AGENT_WAIT_SECONDS;
    private String signerKey;
    private String rootKey;
    /** The key the signer agent signed with last, to tell the settings page which key to certify after a restart. */
    private transient volatile PublicKey lastSignerKey;
    private String trustedBuilderKeys;
    private int defaultQuorum = DEFAULT_QUORUM;

    public BuildchainConfiguration() {
        load();
    }

    /**
     * Saves the settings page through the setters, which refuse what the fields' checks call an error: the refusal
     * is shown as a form error naming the setting, not as an error page.
     */
    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        try {
            return super.configure(req, json);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BuildchainException refused) {
                    String message = refused.getMessage();
                    throw new FormException(message, message.substring(0, Math.max(0, message.indexOf(':'))));
                }
            }
            throw e;
        }
    }

    public static BuildchainConfiguration get() {
        return ExtensionList.lookupSingleton(BuildchainConfiguration.class);
    }

    @Override
    public String getDisplayName() {
        return "Build chain";
    }

    public String getSignerLabel() {
        return signerLabel;
    }

    @DataBoundSetter
    public void setSignerLabel(String signerLabel) {
        this.signerLabel = trimToNull(signerLabel);
        save();
    }

    public String getSerialPort() {
        return serialPort;
    }

    @DataBoundSetter
    public void setSerialPort(String serialPort) {
        if (trimToNull(serialPort) != null) {
            SettingsCheck.require(SettingsCheck.serialPort(serialPort), "serialPort");
        }
        this.serialPort = trimToNull(serialPort);
        save();
    }

    public int getBaud() {
        return baud;
    }

    @DataBoundSetter
    public void setBaud(int baud) {
        SettingsCheck.require(SettingsCheck.baud(baud), "baud");
        this.baud = baud;
        save();
    }

    /** Seconds the signer client waits for each reply (and reads on as long again for a late one). */
    public int getSignerTimeout() {
        return signerTimeout;
    }

    @DataBoundSetter
    public void setSignerTimeout(int signerTimeout) {
        SettingsCheck.require(SettingsCheck.signerTimeout(signerTimeout), "signerTimeout");
        this.signerTimeout = signerTimeout;
        save();
    }

    /** Seconds a step waits for an agent with the signer label to come online (after a restart, a reconnect). */
    public int getAgentWait() {
        return agentWait;
    }

    @DataBoundSetter
    public void setAgentWait(int agentWait) {
        SettingsCheck.require(SettingsCheck.agentWait(agentWait), "agentWait");
        this.agentWait = agentWait;
        save();
    }

    public String getSignerKey() {
        return signerKey;
    }

    @DataBoundSetter
    public void setSignerKey(String signerKey) {
        SettingsCheck.require(SettingsCheck.signerKey(signerKey), "signerKey");
        this.signerKey = trimToNull(signerKey);
        save();
    }

    public String getRootKey() {
        return rootKey;
    }

    @DataBoundSetter
    public void setRootKey(String rootKey) {
        if (trimToNull(rootKey) != null) {
            PublicKey.parse(rootKey.strip(), "rootKey");
        }
        this.rootKey = trimToNull(rootKey);
        save();
    }

    /**
     * When the signer agent came back with a key the controller's store has no certificate for: the commands
     * that certify it (shown on the settings page); empty otherwise.
     */
    public List<String> getKeyChangeCommands() {
        PublicKey key = lastSignerKey;
        if (key == null) {
            return List.of();
        }
        try {
            KeyChangeGuard.check(JenkinsPaths.store(), key);
            return List.of();
        } catch (TrustRefusal refusal) {
            // What runs on the offline root machine; adding the certificate is the paste box below, not a command.
            return refusal.commands().isEmpty() ? List.of(refusal.getMessage())
                    : refusal.commands().stream().filter(c -> !c.startsWith("buildchain root add ")).toList();
        } catch (IOException | BuildchainException e) {
            return List.of(e.getMessage());
        }
    }

    public String getTrustedBuilderKeys() {
        return trustedBuilderKeys;
    }

    @DataBoundSetter
    public void setTrustedBuilderKeys(String trustedBuilderKeys) {
        SettingsCheck.require(SettingsCheck.trustedKeys(trustedBuilderKeys), "trustedBuilderKeys");
        this.trustedBuilderKeys = trimToNull(trustedBuilderKeys);
        save();
    }

    public int getDefaultQuorum() {
        return defaultQuorum;
    }

    @DataBoundSetter
    public void setDefaultQuorum(int defaultQuorum) {
        // Whether the trusted keys can meet it is checked on the form; they may be set after it.
        SettingsCheck.require(SettingsCheck.quorum(defaultQuorum, 0), "defaultQuorum");
        this.defaultQuorum = defaultQuorum;
        save();
    }

    public KeyList trustedKeys() {
        return SettingsCheck.parseTrustedKeys(trustedBuilderKeys);
    }

    /** Adds a builder key (as an agent printed it) to the trusted keys, labelled with the agent's name. */
    public synchronized void trust(PublicKey key, String label) {
        if (trustedKeys().contains(key)) {
            return;
        }
        String current = trustedBuilderKeys == null ? "" : trustedBuilderKeys.stripTrailing() + "\n";
        setTrustedBuilderKeys(current + key + " " + label);
    }

    /** One signing on the agent. */
    private interface AgentCall {
        Block sign() throws IOException;
    }

    /** The configured signing node; fails with what to set when the settings are incomplete. */
    public BlockSigner signer(TaskListener listener) {
        SettingsCheck.Result port = SettingsCheck.serialPort(serialPort);
        if (port.level() == SettingsCheck.Level.ERROR) {
            throw new BuildchainException("Build chain settings: " + port.message());
        }
        PublicKey pinned = signerKey == null ? null : PublicKey.parse(signerKey, "Build chain settings: signer key");
        if (rootKey != null) {
            // The certificates in the store decide which signer key may sign; a restarted agent's new key is refused
            // there, with the commands that certify it, instead of failing on a stale pin.
            PublicKey.parse(rootKey, "Build chain settings: root key");
            listener.getLogger().println("buildchain: signer keys: those root " + rootKey + " certified in the "
                    + "controller's store");
            pinned = null;
        } else if (pinned == null) {
            listener.getLogger().println("buildchain: warning: no signer key is pinned in the global settings; "
                    + "accepting the block of whichever key the signer uses");
        }
        // Every caller signs with the store lock held (publish, buildchainSign, the log's checkpoints): a block the
        // line brought for an earlier request goes straight into the store, where later blocks link through it.
        // The publisher takes such blocks itself (one may be the answer to its own earlier request).
        AgentSigner agent = new AgentSigner(signerLabel, serialPort, baud, pinned,
                Duration.ofSeconds(signerTimeout), Duration.ofSeconds(agentWait), listener);
        java.util.function.Consumer<Block> store = block -> {
            try {
                if (BlockImport.put(JenkinsPaths.store(), block)) {
                    listener.getLogger().println("buildchain: stored block " + Long.toUnsignedString(block.counter())
                            + " " + block.signatureBase32() + ", signed for an earlier request");
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        return new BlockSigner() {
            @Override
            public Block sign(SignedRequest request) throws IOException {
                return sign(request, store);
            }

            @Override
            public Block sign(SignedRequest request, java.util.function.Consumer<Block> late) throws IOException {
                return seen(() -> agent.sign(request, late));
            }

            @Override
            public Block signOnce(SignedRequest request, java.util.function.Consumer<Block> late) throws IOException {
                return seen(() -> agent.signOnce(request, late));
            }

            /** The key of the node's answer, also a refused new key's, for the certify commands of this page. */
            private Block seen(AgentCall call) throws IOException {
                try {
                    Block block = call.sign();
                    lastSignerKey = block.publicKey();
                    return block;
                } catch (UnexpectedKeyException e) {
                    lastSignerKey = e.block().publicKey();
                    throw e;
                }
            }

            /** The node may have restarted with a new key: the publisher asks with its own request first. */
            @Override
            public boolean keyKnownBeforeSigning() {
                return agent.keyKnownBeforeSigning();
            }

            @Override
            public Optional<PublicKey> key() {
                return agent.key();
            }

            @Override
            public String describe() {
                return agent.describe();
            }
        };
    }

    /** Adds a certificate or revocation pasted on the settings page to the controller's store ({@code root add}). */
    @POST
    public FormValidation doAddRootStatement(@QueryParameter String rootStatement) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        if (rootStatement == null || rootStatement.isBlank()) {
            return FormValidation.error("Paste a certificate or revocation made by 'buildchain root certify' or "
                    + "'buildchain root revoke'");
        }
        // A paste through a browser may bring CR LF line ends and lose the final newline; the statement itself is strict.
        String text = rootStatement.replace("\r\n", "\n").strip() + "\n";
        try {
            List<RootStatement> statements = RootStatement.parseAll(text.getBytes(StandardCharsets.US_ASCII), "pasted");
            return FormValidation.ok(String.join("; ", RootStatements.add(JenkinsPaths.store(), statements)));
        } catch (IOException | BuildchainException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    /** Brings in blocks of the signer's chain the store lacks, pasted base64 from the signing node's chain/. */
    @POST
    public FormValidation doImportBlocks(@QueryParameter String importBlocks) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        try {
            BlockImport.Counts counts = BlockImport.pasted(JenkinsPaths.store(), importBlocks);
            return FormValidation.ok(counts.imported() + " block(s) added to the controller's store, "
                    + counts.alreadyThere() + " already there; the next publish finishes a release that waited for them");
        } catch (IOException | BuildchainException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    @POST
    public FormValidation doCheckRootKey(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        try {
            PublicKey.parse(value, "root key");
            return FormValidation.ok();
        } catch (BuildchainException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    @POST
    public FormValidation doCheckSignerLabel(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        List<SettingsCheck.Agent> agents = new ArrayList<>();
        if (value != null && !value.isBlank()) {
            try {
                for (Node node : Label.parseExpression(value.strip()).getNodes()) {
                    Computer computer = node.toComputer();
                    agents.add(new SettingsCheck.Agent(node.getNodeName(), computer != null && computer.isOnline()));
                }
            } catch (IllegalArgumentException e) {
                return FormValidation.error("Not a label expression: " + e.getMessage());
            }
        }
        return form(SettingsCheck.signerLabel(value, agents));
    }

    @POST
    public FormValidation doCheckSerialPort(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return form(SettingsCheck.serialPort(value));
    }

    @POST
    public FormValidation doCheckBaud(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        try {
            return form(SettingsCheck.baud(Integer.parseInt(value.strip())));
        } catch (NumberFormatException | NullPointerException e) {
            return FormValidation.error("Expected a whole number of baud, e.g. 57600");
        }
    }

    @POST
    public FormValidation doCheckSignerTimeout(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        try {
            return form(SettingsCheck.signerTimeout(Integer.parseInt(value.strip())));
        } catch (NumberFormatException | NullPointerException e) {
            return FormValidation.error("Expected a whole number of seconds, e.g. "
                    + SettingsCheck.DEFAULT_SIGNER_TIMEOUT_SECONDS);
        }
    }

    @POST
    public FormValidation doCheckAgentWait(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        try {
            return form(SettingsCheck.agentWait(Integer.parseInt(value.strip())));
        } catch (NumberFormatException | NullPointerException e) {
            return FormValidation.error("Expected a whole number of seconds, e.g. "
                    + SettingsCheck.DEFAULT_AGENT_WAIT_SECONDS);
        }
    }

    @POST
    public FormValidation doCheckSignerKey(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return form(SettingsCheck.signerKey(value));
    }

    @POST
    public FormValidation doCheckTrustedBuilderKeys(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return form(SettingsCheck.trustedKeys(value));
    }

    @POST
    public FormValidation doCheckDefaultQuorum(@QueryParameter String value, @QueryParameter String trustedBuilderKeys) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        int trusted;
        try {
            // The quorum counts operators: keys of one operator count once.
            trusted = SettingsCheck.parseTrustedKeys(trustedBuilderKeys).operatorCount();
        } catch (BuildchainException e) {
            trusted = 0;
        }
        try {
            return form(SettingsCheck.quorum(Integer.parseInt(value.strip()), trusted));
        } catch (NumberFormatException | NullPointerException e) {
            return FormValidation.error("Expected a whole number of builders, e.g. 2");
        }
    }

    static FormValidation form(SettingsCheck.Result result) {
        return switch (result.level()) {
            case OK -> result.message().isEmpty() ? FormValidation.ok() : FormValidation.ok(result.message());
            case WARNING -> FormValidation.warning(result.message());
            case ERROR -> FormValidation.error(result.message());
        };
    }

    private static String trimToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
