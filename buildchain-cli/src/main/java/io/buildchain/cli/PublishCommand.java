package io.buildchain.cli;

import io.buildchain.core.FormatException;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.diff.Explanation;
import io.buildchain.core.intoto.BuilderAttestations;
import io.buildchain.core.intoto.ReleaseAttestations;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.publish.QuorumNotMetException;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.store.Store;
import io.buildchain.core.submit.SubmissionInbox;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"As the publisher: compare the builders' manifests, and only if at least --quorum distinct "
                + "trusted builders signed byte-identical manifests, get the block signed, store artifacts, "
                + "manifest, block and quorum evidence, and move tail/PROJECT/BRANCH.",
            "Dissenting builders are recorded in quorum/<block>.json, with what differs. Safe to run concurrently "
                    + "and to kill: the store is locked, every write is atomic, and an interrupted release is "
                    + "finished by the next publish."})
final class PublishCommand implements Callable<Integer> {
    @Option(names = "--store", required = true, paramLabel = "STORE", description = "The store directory (created if needed).")
    Path store;

    @Mixin
    ChainOptions chain;

    @Option(names = "--quorum", required = true, paramLabel = "K",
            description = "How many distinct trusted operators must agree (a key without an operator is its own).")
    int quorum;

    @Option(names = "--trust", required = true, paramLabel = "TRUSTED_KEYS_FILE",
            description = {"Trusted builder public keys, one per line: BASE32KEY [label] [operator=NAME].",
                "Keys of one operator count once toward the quorum; a key without operator= is its own operator."})
    Path trust;

    @Option(names = "--artifacts", paramLabel = "DIR",
            description = "Where the agreed manifest's files are (default: the first agreeing submission's DIR).")
    Path artifacts;

    @ArgGroup(exclusive = true, multiplicity = "1")
    SignerOptions signer;

    @Option(names = "--from-submissions",
            description = "Also take the submissions remote build nodes sent to 'serve --accept-submissions' for this "
                    + "project/branch; they are removed once published.")
    boolean fromSubmissions;

    @Option(names = "--allow-older-source",
            description = "Publish even if the release's source time is older than the branch's current tail "
                    + "(refused by default: an old release must not come back as the newest).")
    boolean allowOlderSource;

    @Option(names = "--evidence",
            description = "Print the divergence's evidence rows, as the stored evidence lists them (up to the first 300 of "
                    + "each dissenting manifest; by default each explanation is cut to one screen: "
                    + "causes, the first decisive lines, and the rows counted). Given again for a release already "
                    + "published, it prints that release's stored divergence.")
    boolean evidence;

    @Parameters(paramLabel = "MANIFEST:REQUEST[:DIR]", arity = "0..*",
            description = {"One per builder: its manifest, its signed request, and optionally its artifacts directory "
                    + "(to explain a divergence inside archives). A signed buildinfo beside the request "
                    + "(REQUEST.buildinfo and .sig, from 'request --buildinfo') is checked and kept in the evidence."})
    List<String> submissions;

    @Override
    public Integer call() throws Exception {
        List<Submission> parsed = new ArrayList<>();
        Map<String, BuilderAttestations> attestations = new HashMap<>();
        for (String argument : submissions == null ? List.<String>of() : submissions) {
            Submission submission = parseSubmission(argument);
            parsed.add(submission);
            BuilderAttestations.readBeside(Path.of(argument.split(":", 3)[1])).ifPresent(a -> attestations.put(
                    ReleaseAttestations.requestKey(submission.request()), a));
        }
        Store opened = Store.open(store);
        KeyList trusted = KeyList.read(trust);
        SubmissionInbox.collectLeftovers(opened);
        SubmissionInbox inbox = new SubmissionInbox(opened, trusted, SubmissionInbox.DEFAULT_MAX_BYTES);
        // The submissions present now: the publish takes one release among them, and only its submissions.
        List<Submission> snapshot = fromSubmissions ? inbox.pending(chain.project, chain.branch) : List.of();
        if (fromSubmissions) {
            attestations.putAll(inbox.attestations(chain.project, chain.branch));
        }
        parsed.addAll(snapshot);
        if (parsed.isEmpty()) {
            throw new FormatException("nothing to publish: give MANIFEST:REQUEST pairs"
                    + (fromSubmissions ? " (no submissions are waiting for " + chain.project + "/" + chain.branch + ")"
                            : " or --from-submissions"));
        }
        Publisher publisher = new Publisher(opened, signer.open(), System.err::println);
        Publisher.Release release = new Publisher.Release(chain.project, chain.branch, quorum, trusted,
                parsed, Optional.ofNullable(artifacts), allowOlderSource);
        Publisher.Result result;
        try {
            result = publisher.publish(release);
        } catch (QuorumNotMetException e) {
            System.err.print(e.decision().report());
            printDivergence(e.explanations(), System.err, "add --evidence");
            throw e;
        }
        if (fromSubmissions) {
            inbox.consume(chain.project, chain.branch, snapshot.stream().filter(result.taken()::contains).toList());
        }
        String block = "block " + Long.toUnsignedString(result.block().counter()) + " " + result.block().signatureBase32();
        if (result.alreadyPublished()) {
            if (evidence) {
                result.evidence().divergenceLines().forEach(System.out::println);
            }
            System.out.println("already published as " + block + " of " + chain.project + "/" + chain.branch
                    + "; nothing to do");
            return 0;
        }
        // in-toto links and provenance are evidence outside the vote: kept beside the release once it is published.
        ReleaseAttestations.record(opened, result.decision(), attestations, System.err::println)
                .forEach(path -> System.err.println("in-toto: " + path));
        printDivergence(result.evidence().explanations() == null ? List.of() : result.evidence().explanations(),
                System.out, "add --evidence, or read " + opened.evidencePath(result.block()));
        System.out.println("published " + chain.project + "/" + chain.branch + ": " + block);
        System.out.println("  signer " + result.block().publicKey());
        System.out.println("  tail   " + store.resolve("tail").resolve(chain.project).resolve(chain.branch));
        return 0;
    }

    /** Each explanation in full with --evidence, else cut to one screen, saying {@code whereAll} for the rest. */
    private void printDivergence(List<Explanation> explanations, PrintStream out, String whereAll) {
        for (Explanation explanation : explanations) {
            (evidence ? explanation.render().lines().toList() : explanation.brief(whereAll)).forEach(out::println);
        }
    }

    static Submission parseSubmission(String argument) throws java.io.IOException {
        String[] parts = argument.split(":", 3);
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new FormatException("submission \"" + argument + "\": expected MANIFEST:REQUEST or MANIFEST:REQUEST:DIR");
        }
        Path manifest = Path.of(parts[0]);
        Path request = Path.of(parts[1]);
        Optional<Path> dir = parts.length == 3 && !parts[2].isEmpty() ? Optional.of(Path.of(parts[2])) : Optional.empty();
        Submission submission = new Submission(manifest.toString(), Files.readAllBytes(manifest),
                Files.readAllBytes(request), dir);
        return SignedBuildInfo.readBeside(request).map(submission::withBuildInfo).orElse(submission);
    }
}
