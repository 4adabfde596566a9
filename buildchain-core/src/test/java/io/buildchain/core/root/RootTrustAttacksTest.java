package io.buildchain.core.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.ChainSigner;
import io.buildchain.core.chain.LocalSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.root.TrustRefusal.Cause;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.FileTrees;
import io.buildchain.core.testing.Network;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.ClientState;
import io.buildchain.core.verify.StoreReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The root key's certificates and revocations, attacked: one test per attack, named after it. */
class RootTrustAttacksTest {
    @TempDir
    Path dir;

    Network net;
    SigningKey root = SigningKey.generate(Network.RANDOM);
    ClientState seen;
    int release;

    @BeforeEach
    void storeWithTwoBlocksByTheFirstKey() throws Exception {
        net = new Network(dir, "a", "b");
        seen = new ClientState(dir.resolve("seen"));
        publish();
        publish();
    }

    Publisher.Result publish() throws Exception {
        return net.publish("r" + ++release, 2);
    }

    StoreReader reader() {
        return StoreReader.of(net.store.root());
    }

    /** The ceremony for the signer's current key: certify on the root machine, add on the publisher. */
    SignerCertificate certifyCurrentKey() throws Exception {
        SignerCertificate certificate = RootCeremony.certify(root, net.signerKey.publicKey(), reader());
        RootStatements.add(net.store, List.of(certificate));
        return certificate;
    }

    ChainVerifier.Report verifyWithRoot() throws Exception {
        return new ChainVerifier(reader(), SignerTrust.root(root.publicKey()))
                .verify("proj", "main", new ChainVerifier.Options(true, null, 0, seen));
    }

    Block tail() throws Exception {
        return net.store.tail("proj", "main").orElseThrow();
    }

    /**
     * The newest block of {@code key} in the store: where its chain ends, whatever branch (after a release, the
     * block that signed the log checkpoint).
     */
    Block newestBlockOf(PublicKey key) throws Exception {
        return blocksOf(key).stream().max(java.util.Comparator.comparingLong(Block::counter)).orElseThrow();
    }

    List<Block> blocksOf(PublicKey key) throws Exception {
        try (var files = Files.list(net.store.root().resolve("block"))) {
            return files.map(file -> {
                try {
                    return Block.decode(Files.readAllBytes(file), file.toString());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).filter(b -> b.publicKey().equals(key)).toList();
        }
    }

    void pointTailAt(Block block) throws Exception {
        net.store.putBlock(block);
        net.store.setTail("proj", "main", block);
    }

    void appendRaw(RootStatement statement) throws Exception {
        Path file = net.store.root().resolve(RootStatements.PATH);
        byte[] old = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
        byte[] added = statement.encode();
        byte[] all = java.util.Arrays.copyOf(old, old.length + added.length);
        System.arraycopy(added, 0, all, old.length, added.length);
        AtomicFiles.write(file, all, AtomicFiles.OWNER_WRITE_ALL_READ, true);
    }

    /** An attacker's edit of the store's {@code root/statements}: keep only the first {@code count}. */
    void keepOnlyFirstStatements(int count) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (RootStatement statement : RootStatements.read(reader()).subList(0, count)) {
            out.write(statement.encode());
        }
        AtomicFiles.write(net.store.root().resolve(RootStatements.PATH), out.toByteArray(),
                AtomicFiles.OWNER_WRITE_ALL_READ, true);
    }

    Cause causeOf(ThrowingCall call) {
        try {
            call.run();
        } catch (TrustRefusal refusal) {
            assertThat(refusal.getMessage()).doesNotContain("\n");
            return refusal.cause();
        } catch (Exception e) {
            throw new AssertionError("expected a TrustRefusal, got " + e, e);
        }
        throw new AssertionError("expected a TrustRefusal, nothing was refused");
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void restartedSignerWithoutCertificateIsRefusedAndTheStoreIsNotForked() throws Exception {
        Block before = tail();
        PublicKey newKey = net.restartSigner().publicKey();
        assertThatThrownBy(this::publish).isInstanceOfSatisfying(TrustRefusal.class, e -> {
            assertThat(e.cause()).isEqualTo(Cause.KEY_CHANGE);
            assertThat(e.getMessage()).contains("buildchain root init --out ROOT_KEY --pub-out ROOT_PUB",
                    "buildchain root certify --root-key ROOT_KEY --signer " + before.publicKey() + " --store "
                            + net.store.root(),
                    "buildchain root certify --root-key ROOT_KEY --signer " + newKey,
                    "buildchain root add --store " + net.store.root()).doesNotContain("\n");
        });
        assertThat(tail()).isEqualTo(before);
        assertThat(net.signerState).doesNotExist(); // refused before the new key signed anything
    }

    @Test
    void restartedSignerWithARootButNoCertificateForTheNewKeyIsRefusedWithTheCommands() throws Exception {
        certifyCurrentKey();
        Block before = tail();
        PublicKey newKey = net.restartSigner().publicKey();
        assertThatThrownBy(this::publish).isInstanceOfSatisfying(TrustRefusal.class, e -> assertThat(e.getMessage())
                .startsWith("signer key changed: the signer now signs with " + newKey)
                .contains("buildchain root certify --root-key ROOT_KEY --signer " + newKey + " --store " + net.store.root()
                        + " --out " + newKey.base32().substring(0, 8) + ".cert")
                .contains("buildchain root add --store " + net.store.root() + " " + newKey.base32().substring(0, 8) + ".cert")
                .doesNotContain("root init"));
        assertThat(tail()).isEqualTo(before);
    }

    @Test
    void certifiedRestartsVerifyWithTheRootAcrossThreeKeyChangesWithLastSeen() throws Exception {
        certifyCurrentKey();
        assertThat(verifyWithRoot().summary()).contains("key #1 of 1 certified by root " + root.publicKey());
        for (int change = 1; change <= 3; change++) {
            Block oldKeysLast = newestBlockOf(net.signerKey.publicKey());
            net.restartSigner();
            SignerCertificate certificate = certifyCurrentKey();
            assertThat(certificate.follows()).isPresent();
            assertThat(certificate.follows().get().lastBlock()).contains(oldKeysLast.signatureBase32());
            publish();
            assertThat(net.store.root().resolve(SignerHead.PATH).toRealPath())
                    .isEqualTo(net.store.blockPath(newestBlockOf(net.signerKey.publicKey()).signature()).toRealPath());
            ChainVerifier.Report report = verifyWithRoot();
            assertThat(report.release().block().publicKey()).isEqualTo(net.signerKey.publicKey());
            assertThat(report.summary()).contains("key #" + (change + 1) + " of " + (change + 1),
                    "1 block(s) back to the signer's genesis");
        }
        assertThat(RootStatements.read(reader())).hasSize(4);
    }

    @Test
    void keysRestartedWithNoPublishBetweenSignNothingAndAreSucceededWhereTheLastSigningKeyHandedOver()
            throws Exception {
        // Issue 25's drawn schedule: a signer restarted twice (then three times) with no publish in between.
        certifyCurrentKey();
        verifyWithRoot();
        Block firstKeysLast = newestBlockOf(net.signerKey.publicKey());
        net.restartSigner();
        assertThat(certifyCurrentKey().follows().get().lastBlock()).contains(firstKeysLast.signatureBase32());
        for (int idle = 2; idle <= 3; idle++) {
            PublicKey signedNothing = net.signerKey.publicKey();
            net.restartSigner();
            assertThat(certifyCurrentKey().follows())
                    .contains(new SignerCertificate.Predecessor(signedNothing, 0, Optional.empty()));
        }
        publish();
        assertThat(verifyWithRoot().summary()).contains("key #4 of 4");
        // The store's own pages walk back past the keys that signed nothing, to key #1's genesis (r1).
        assertThat(new io.buildchain.core.view.StoreView(net.store).releases("proj", "main")).last()
                .satisfies(r -> assertThat(r.block()).isEqualTo(blockOf(firstKeysLast.publicKey(), 1)));
        assertThat(new io.buildchain.core.view.StoreView(net.store).reachableObjects("proj", "main"))
                .contains(blockOf(firstKeysLast.publicKey(), 1).digest());
        // A key that signed takes the block form again.
        Block fourthKeysLast = newestBlockOf(net.signerKey.publicKey());
        net.restartSigner();
        assertThat(certifyCurrentKey().follows().get().lastBlock()).contains(fourthKeysLast.signatureBase32());
        publish();
        assertThat(verifyWithRoot().summary()).contains("key #5 of 5");
    }

    @Test
    void aCertificateSayingAKeySignedNothingCannotHideTheBlocksItSigned() throws Exception {
        // A mirror showed the root machine the store as it was before key #2 signed.
        certifyCurrentKey();
        net.restartSigner();
        PublicKey second = net.signerKey.publicKey();
        certifyCurrentKey();
        publish();
        verifyWithRoot();
        net.restartSigner();
        SignerCertificate hiding = SignerCertificate.sign(root, net.signerKey.publicKey(),
                Optional.of(new SignerCertificate.Predecessor(second, 0, Optional.empty())));
        assertThat(causeOf(() -> RootStatements.add(net.store, List.of(hiding)))).isEqualTo(Cause.FORK);
        appendRaw(hiding);
        // Every block of key #2 now comes after its "last block", counter 0.
        assertThat(causeOf(this::verifyWithRoot)).isEqualTo(Cause.FORK);
        publish();
        // A client that saw key #2 sign refuses the certificate that says it signed nothing.
        assertThatThrownBy(this::verifyWithRoot).isInstanceOfSatisfying(TrustRefusal.class, e -> {
            assertThat(e.cause()).isEqualTo(Cause.FORK);
            assertThat(e.getMessage()).contains("says key #2 " + second + " signed no block, but its block counter");
        });
    }

    @Test
    void storePublishedBeforeSignerLastExistedIsScannedForItsNewestBlock() throws Exception {
        Files.delete(net.store.root().resolve(SignerHead.PATH));
        certifyCurrentKey();
        Block last = newestBlockOf(net.signerKey.publicKey());
        net.restartSigner();
        assertThat(certifyCurrentKey().follows().get().lastBlock()).contains(last.signatureBase32());
    }

    @Test
    void pinnedKeyOnAStoreWithoutARootIsUnchanged() throws Exception {
        assertThat(new ChainVerifier(reader(), net.signerKey.publicKey())
                .verify("proj", "main", new ChainVerifier.Options(true, null, 0, seen)).summary())
                .doesNotContain("signer keys");
        assertThat(causeOf(this::verifyWithRoot)).isEqualTo(Cause.NOT_CERTIFIED);
        assertThatThrownBy(this::verifyWithRoot).hasMessageContaining("the store has no root/statements");
    }

    @Test
    void forgedCertificateIsRefusedByAddAndByVerify() throws Exception {
        certifyCurrentKey();
        net.restartSigner();
        SignerCertificate honest = RootCeremony.certify(root, net.signerKey.publicKey(), reader());
        SignerCertificate forged = new SignerCertificate(honest.root(), SigningKey.generate(Network.RANDOM).publicKey(),
                honest.follows(), honest.signature());
        assertThat(causeOf(() -> RootStatements.add(net.store, List.of(forged)))).isEqualTo(Cause.FORGED);
        appendRaw(forged);
        assertThat(causeOf(this::verifyWithRoot)).isEqualTo(Cause.FORGED);
    }

    @Test
    void certificateSignedByAnotherRootIsRefused() throws Exception {
        certifyCurrentKey();
        net.restartSigner();
        SigningKey otherRoot = SigningKey.generate(Network.RANDOM);
        assertThat(causeOf(() -> RootCeremony.certify(otherRoot, net.signerKey.publicKey(), reader())))
                .isEqualTo(Cause.ANOTHER_ROOT);
        SignerCertificate foreign = SignerCertificate.sign(otherRoot, net.signerKey.publicKey(),
                RootCeremony.certify(root, net.signerKey.publicKey(), reader()).follows());
        assertThat(causeOf(() -> RootStatements.add(net.store, List.of(foreign)))).isEqualTo(Cause.ANOTHER_ROOT);
        appendRaw(foreign);
        assertThat(causeOf(this::verifyWithRoot)).isEqualTo(Cause.ANOTHER_ROOT);
        // A client pinning a different root refuses the whole store.
        keepOnlyFirstStatements(1);
        assertThat(causeOf(() -> new ChainVerifier(reader(), SignerTrust.root(otherRoot.publicKey()))
                .verify("proj", "main", ChainVerifier.Options.defaults()))).isEqualTo(Cause.ANOTHER_ROOT);
    }

    @Test
    void replayedCertificateBringingBackAnEarlierKeyIsRefused() throws Exception {
        SigningKey first = net.signerKey;
        certifyCurrentKey();
        net.restartSigner();
        certifyCurrentKey();
        publish();
        // Replaying the first key's own certificate is a no-op; re-attaching the first key is refused.
        assertThat(RootStatements.add(net.store, List.of(RootStatements.read(reader()).get(0))))
                .containsExactly("already in the store: certificate for signer " + first.publicKey());
        // Certifying the succeeded key again is no replay of anything: the refusal says what it is.
        assertThat(causeOf(() -> RootCeremony.certify(root, first.publicKey(), reader()))).isEqualTo(Cause.SUCCEEDED);
        SignerCertificate comeback = SignerCertificate.sign(root, first.publicKey(), Optional.of(
                new SignerCertificate.Predecessor(net.signerKey.publicKey(), tail().counter(),
                        Optional.of(tail().signatureBase32()))));
        assertThat(causeOf(() -> RootStatements.add(net.store, List.of(comeback)))).isEqualTo(Cause.REPLAYED);
        appendRaw(comeback);
        assertThat(causeOf(this::verifyWithRoot)).isEqualTo(Cause.REPLAYED);
    }

    @Test
    void twoCertificatesThatForkTheHistoryAreRefused() throws Exception {
        certifyCurrentKey();
        net.restartSigner();
        SignerCertificate one = certifyCurrentKey();
        SignerCertificate other = SignerCertificate.sign(root, SigningKey.generate(Network.RANDOM).publicKey(), one.follows());
        assertThat(causeOf(() -> RootStatements.add(net.store, List.of(other)))).isEqualTo(Cause.FORK);
        SignerCertificate secondFirst = SignerCertificate.sign(root, SigningKey.generate(Network.RANDOM).publicKey(),
                Optional.empty());
        assertThat(causeOf(() -> RootStatements.add(net.store, List.of(secondFirst)))).isEqualTo(Cause.FORK);
        appendRaw(other);
        assertThat(causeOf(this::verifyWithRoot)).isEqualTo(Cause.FORK);
    }

    @Test
    void certificateNamingABlockTheStoreLacksIsRefused() throws Exception {
        certifyCurrentKey();
        PublicKey old = net.signerKey.publicKey();
        net.restartSigner();
        SignerCertificate dangling = SignerCertificate.sign(root, net.signerKey.publicKey(), Optional.of(
                new SignerCertificate.Predecessor(old, 9, Optional.of("B".repeat(102) + "A"))));
        assertThat(causeOf(() -> RootStatements.add(net.store, List.of(dangling)))).isEqualTo(Cause.NOT_IN_STORE);
        appendRaw(dangling);
        assertThat(causeOf(this::verifyWithRoot)).isEqualTo(Cause.NOT_IN_STORE);
    }

    @Test
    void blockByAnUncertifiedKeyIsRefused() throws Exception {
        certifyCurrentKey();
        SigningKey stranger = SigningKey.generate(Network.RANDOM);
        Block forged = new LocalSigner(stranger, dir.resolve("stranger"), null, Clock.systemUTC())
                .sign(SignedRequest.decode(net.round("stranger", List.of()).get(0).request(), "request"));
        pointTailAt(forged);
        assertThat(causeOf(this::verifyWithRoot)).isEqualTo(Cause.NOT_CERTIFIED);
    }

    @Test
    void oldKeySigningAfterItWasSucceededIsAFork() throws Exception {
        certifyCurrentKey();
        SigningKey old = net.signerKey;
        Path oldState = net.signerState;
        net.restartSigner();
        certifyCurrentKey();
        publish();
        // The old key (stolen, or a node that never really stopped) signs on after the handover.
        Block late = new LocalSigner(old, oldState, null, Clock.systemUTC())
                .sign(SignedRequest.decode(net.round("late", List.of()).get(0).request(), "request"));
        pointTailAt(late);
        assertThat(causeOf(this::verifyWithRoot)).isEqualTo(Cause.FORK);
        PublicKey successor = net.signerKey.publicKey();
        net.signerKey = old;
        net.signerState = oldState;
        // ...and the publisher refuses to sign with it again, in words that say why (a succeeded key, no replay).
        assertThat(causeOf(this::publish)).isEqualTo(Cause.SUCCEEDED);
        assertThatThrownBy(this::publish).hasMessageStartingWith("succeeded: signer " + old.publicKey()
                + " was succeeded by " + successor);
    }

    @Test
    void revokedKeyIsRefusedFromTheRevokedBlockOnAndSoIsATailThatDependsOnIt() throws Exception {
        certifyCurrentKey();
        net.restartSigner();
        certifyCurrentKey();
        Block firstOfSecondKey = publish().block();
        publish();
        verifyWithRoot();
        RootStatements.add(net.store, List.of(RootCeremony.revoke(root, net.signerKey.publicKey(),
                firstOfSecondKey.signatureBase32(), reader())));
        assertThatThrownBy(this::verifyWithRoot).isInstanceOfSatisfying(TrustRefusal.class, e -> {
            assertThat(e.cause()).isEqualTo(Cause.REVOKED);
            assertThat(e.getMessage()).contains("revoked that key from its block counter 1");
        });
        assertThat(causeOf(this::publish)).isEqualTo(Cause.REVOKED);
        // A new key certified after the revoked one still depends on its revoked blocks.
        net.restartSigner();
        certifyCurrentKey();
        publish();
        assertThat(causeOf(this::verifyWithRoot)).isEqualTo(Cause.REVOKED);
    }

    @Test
    void aStolenKeysBlockBelowTheRevokedCounterOffTheChainIsAFork() throws Exception {
        // The key is stolen: the root revokes it from block 5 on. The thief signs its own block 3, after the real
        // block 2 and carrying a real request, and a mirror points the tail at it; its counter is below 5.
        certifyCurrentKey();
        Block revokedFrom = publish().block();
        PublicKey key = net.signerKey.publicKey();
        RootStatements.add(net.store, List.of(RootCeremony.revoke(root, key, revokedFrom.signatureBase32(), reader())));
        Block three = blockOf(key, 3);
        Block forged = Block.decode(new ChainSigner(net.signerKey, blockOf(key, 2).signature(), 2)
                .sign(three.request().bytes(), three.timestamp() + 1), "forged");
        pointTailAt(forged);
        assertThatThrownBy(this::verifyWithRoot).isInstanceOfSatisfying(TrustRefusal.class, e -> {
            assertThat(e.cause()).isEqualTo(Cause.FORK);
            assertThat(e.getMessage()).contains("is not on the chain before block " + revokedFrom.signatureBase32());
        });
        // The real block 3 is on it, and still verifies.
        pointTailAt(three);
        verifyWithRoot();
    }

    @Test
    void aCertificateHandingOverBeforeTheOldKeysLastBlockIsRefusedByAdd() throws Exception {
        // A mirror served the root machine an old signer/last (block 2 of 4): the certificate would cut off 3 and 4.
        certifyCurrentKey();
        PublicKey old = net.signerKey.publicKey();
        Block stale = blockOf(old, 2);
        net.restartSigner();
        SignerCertificate cut = SignerCertificate.sign(root, net.signerKey.publicKey(), Optional.of(
                new SignerCertificate.Predecessor(old, 2, Optional.of(stale.signatureBase32()))));
        assertThatThrownBy(() -> RootStatements.add(net.store, List.of(cut))).isInstanceOfSatisfying(TrustRefusal.class,
                e -> {
                    assertThat(e.cause()).isEqualTo(Cause.FORK);
                    assertThat(e.getMessage()).contains("that key's last block in this store is counter 4")
                            .contains("buildchain root certify --store");
                });
        // Certified against the store itself, the new key takes over after block 4.
        certifyCurrentKey();
        publish();
        verifyWithRoot();
    }

    Block blockOf(PublicKey key, long counter) throws Exception {
        return blocksOf(key).stream().filter(b -> b.counter() == counter).findFirst().orElseThrow();
    }

    /** Certify, restart, certify, publish; the client verifies the new key's tail. Returns the first key's last tail. */
    Block clientSeesTheSecondKeysTail() throws Exception {
        certifyCurrentKey();
        Block oldTail = tail();
        net.restartSigner();
        certifyCurrentKey();
        publish();
        verifyWithRoot();
        return oldTail;
    }

    @Test
    void clientThatSawTheNewerKeyShownAnOlderKeysTailIsARollback() throws Exception {
        Block oldTail = clientSeesTheSecondKeysTail();
        pointTailAt(oldTail);
        assertThatThrownBy(this::verifyWithRoot).isInstanceOfSatisfying(TrustRefusal.class, e -> {
            assertThat(e.cause()).isEqualTo(Cause.ROLLBACK);
            assertThat(e.getMessage()).contains("but a tail by the newer key #2");
        });
    }

    @Test
    void olderCertificateSetIsRefusedAsAWithheldStatement() throws Exception {
        Block oldTail = clientSeesTheSecondKeysTail();
        keepOnlyFirstStatements(1);
        pointTailAt(oldTail);
        assertThatThrownBy(this::verifyWithRoot).isInstanceOfSatisfying(TrustRefusal.class, e -> {
            assertThat(e.cause()).isEqualTo(Cause.STATEMENT_WITHHELD);
            assertThat(e.getMessage()).contains("seen before among 2");
        });
    }

    ChainVerifier.Report verifyWithRoot(String branch, ClientState lastSeen) throws Exception {
        return new ChainVerifier(reader(), SignerTrust.root(root.publicKey()))
                .verify("proj", branch, new ChainVerifier.Options(true, null, 0, lastSeen));
    }

    Publisher.Result publishOn(String branch) throws Exception {
        return net.publisher().publish(new Publisher.Release("proj", branch, 2, net.trusted(),
                net.round("r" + ++release, List.of()), Optional.empty()));
    }

    @Test
    void underTheRootEachKeysChainIsCheckedThroughItsLogAndWithoutALogByTheWalk() throws Exception {
        certifyCurrentKey();
        PublicKey first = net.signerKey.publicKey();
        Block firstKeysFirst = newestBlockOf(first);
        while (firstKeysFirst.counter() > 1) {
            firstKeysFirst = Block.decode(Files.readAllBytes(net.store.blockPath(firstKeysFirst.previous())), "block");
        }
        net.restartSigner();
        certifyCurrentKey();
        publish();
        publish();
        ChainVerifier.Report report = verifyWithRoot("main", new ClientState(dir.resolve("fresh")));
        assertThat(report.history().description()).contains("is in the signer's log", "key #2 of 2");
        // The first key's chain is vouched for by its own log: a block missing below its handover is not read...
        Files.delete(net.store.blockPath(firstKeysFirst.signature()));
        verifyWithRoot("main", new ClientState(dir.resolve("fresh2")));
        // ...and without that log, the walk back to its genesis finds the gap.
        FileTrees.delete(net.store.root().resolve("log").resolve(first.base32()));
        assertThatThrownBy(() -> verifyWithRoot("main", new ClientState(dir.resolve("fresh3"))))
                .hasMessageContaining("chain broken").hasMessageContaining("is not in the store");
    }

    @Test
    void aBranchWhoseTailIsStillByTheOldKeyVerifiesAcrossTheHandover() throws Exception {
        publishOn("dev");
        certifyCurrentKey();
        net.restartSigner();
        certifyCurrentKey();
        publish();
        assertThat(net.store.tail("proj", "dev").orElseThrow().publicKey()).isNotEqualTo(net.signerKey.publicKey());
        assertThat(verifyWithRoot("dev", seen).summary()).contains("key #1 of 2");
        assertThat(verifyWithRoot("main", seen).summary()).contains("key #2 of 2");
    }

    @Test
    void anOldKeysBlockThatIsNotOnTheChainItHandedOverIsAFork() throws Exception {
        certifyCurrentKey();
        SigningKey old = net.signerKey;
        net.restartSigner();
        certifyCurrentKey();
        publish();
        // The old key (stolen) signs a second chain from its genesis: counters below the handover, another line.
        var forked = net.round("forked", List.of()).get(0);
        Block offChain = new LocalSigner(old, dir.resolve("second-chain"), null, Clock.systemUTC())
                .sign(SignedRequest.decode(forked.request(), "request"));
        net.store.putObject(forked.manifest());
        net.store.putBlock(offChain);
        net.store.setTail("proj", "dev", offChain);
        assertThatThrownBy(() -> verifyWithRoot("dev", seen)).isInstanceOfSatisfying(TrustRefusal.class, e -> {
            assertThat(e.cause()).isEqualTo(Cause.FORK);
            assertThat(e.getMessage()).contains("is not on the chain that key handed over to " + net.signerKey.publicKey());
        });
        // Without the log the walk from the handover finds the same.
        FileTrees.delete(net.store.root().resolve("log").resolve(old.publicKey().base32()));
        assertThat(causeOf(() -> verifyWithRoot("dev", null))).isEqualTo(Cause.FORK);
    }

    @Test
    void aLogCheckpointSignedByARevokedBlockIsNotUsedTheChainIsWalkedInstead() throws Exception {
        certifyCurrentKey();
        publish();
        Block tail = tail();
        Block checkpointBlock = newestBlockOf(net.signerKey.publicKey());
        assertThat(checkpointBlock.counter()).isEqualTo(tail.counter() + 1);
        assertThat(verifyWithRoot("main", new ClientState(dir.resolve("fresh"))).history().description())
                .contains("is in the signer's log");
        RootStatements.add(net.store, List.of(RootCeremony.revoke(root, net.signerKey.publicKey(),
                checkpointBlock.signatureBase32(), reader())));
        assertThat(verifyWithRoot("main", new ClientState(dir.resolve("fresh2"))).history().description())
                .contains(tail.counter() + " block(s) back to the signer's genesis");
    }

    @Test
    void aBlockImportedFromTheSignersChainIsTheKeysLastBlockThatCertifyNames() throws Exception {
        certifyCurrentKey();
        Block outside = net.signer().sign(SignedRequest.decode(net.round("outside", List.of()).get(0).request(),
                "request"));
        Path file = dir.resolve("outside.block");
        Files.write(file, outside.bytes());
        io.buildchain.core.store.BlockImport.into(net.store, List.of(file));
        assertThat(SignerHead.read(reader())).contains(outside);
        net.restartSigner();
        assertThat(certifyCurrentKey().follows().get().lastBlock()).contains(outside.signatureBase32());
    }

    @Test
    void anEarlierReleaseSignedBeforeTheRestartIsFoundAcrossTheHandover() throws Exception {
        certifyCurrentKey();
        Block beforeRestart = tail();
        net.restartSigner();
        certifyCurrentKey();
        publish();
        ChainVerifier.Report report = new ChainVerifier(reader(), SignerTrust.root(root.publicKey())).verify("proj",
                "main", new ChainVerifier.Selector(beforeRestart.signatureBase32(), null),
                new ChainVerifier.Options(true, null, 0, seen));
        assertThat(report.release().block()).isEqualTo(beforeRestart);
    }

    @Test
    void requestsCountedUnderTheOldKeyReplayedIntoAReleaseByTheNewKeyCountZero() throws Exception {
        certifyCurrentKey();
        Block old = tail();
        net.restartSigner();
        certifyCurrentKey();
        // A dishonest publisher has the new key sign the old release's request again, evidence and all.
        Block replayed = net.signer().sign(old.request());
        net.store.putBlock(replayed);
        net.store.putEvidence(replayed, Files.readAllBytes(net.store.evidencePath(old)));
        net.store.setTail("proj", "main", replayed);
        assertThatThrownBy(() -> new ChainVerifier(reader(), SignerTrust.root(root.publicKey()))
                .verify("proj", "main", new ChainVerifier.Options(false, net.trusted(), 2, null)))
                .hasMessageStartingWith("quorum not met: 0 of your trusted builders");
    }

    @Test
    void firstCertificateForAStoreWithBlocksMustBeForTheirKey() throws Exception {
        PublicKey stranger = SigningKey.generate(Network.RANDOM).publicKey();
        assertThat(causeOf(() -> RootCeremony.certify(root, stranger, reader()))).isEqualTo(Cause.NOT_CERTIFIED);
        SignerCertificate wrongFirst = SignerCertificate.sign(root, stranger, Optional.empty());
        assertThat(causeOf(() -> RootStatements.add(net.store, List.of(wrongFirst)))).isEqualTo(Cause.NOT_CERTIFIED);
        assertThat(net.store.root().resolve(RootStatements.PATH)).doesNotExist();
    }
}
