package io.buildchain.core.view;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.Freshness;
import io.buildchain.core.quorum.Quorum;
import io.buildchain.core.crypto.PublicKey;
import java.util.LinkedHashSet;
import java.util.function.Function;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A release's vote as the pages show it, recounted from the recorded requests by {@link Quorum#count} with the
 * publisher's recorded trust and the requests counted in earlier blocks (as {@code verify --quorum} recounts it):
 * the operators who counted for the signed manifest, and those who counted for another one.
 *
 * @param trustedOperators how many operators the publisher trusted (the "of N" of "3 of 4 operators agreed")
 */
public record VoteCount(List<String> agreed, List<String> dissented, int trustedOperators, int quorum,
        boolean operators) {

    static VoteCount of(Evidence evidence, Freshness freshness) {
        try {
            KeyList trusted = evidence.publisherTrust();
            Quorum.Count count = evidence.count(trusted, freshness);
            Digest signed = Digest.parse(evidence.manifest(), "evidence manifest");
            Function<PublicKey, String> name = key -> name(trusted, key);
            List<String> agreed = count.operators().getOrDefault(signed, Map.of()).values().stream().map(name).toList();
            Set<String> dissented = new LinkedHashSet<>();
            count.operators().forEach((digest, operators) -> {
                if (!digest.equals(signed)) {
                    operators.values().stream().map(name).forEach(dissented::add);
                }
            });
            dissented.removeAll(agreed);
            return new VoteCount(agreed, List.copyOf(dissented), trusted.operatorCount(), evidence.quorum(),
                    trusted.hasOperators());
        } catch (BuildchainException e) {
            // Evidence whose keys do not parse counts nobody, as verify would refuse it.
            return new VoteCount(List.of(), List.of(), 0, evidence.quorum(), false);
        }
    }

    /** How the pages name a voter: its operator, else its label in the publisher's list, else its key. */
    static String name(KeyList trusted, PublicKey key) {
        return trusted.operator(key).orElse(trusted.label(key).orElse(key.base32()));
    }

    /** "operators" or, for a trusted list without operators, "builders" (each key is its own). */
    public String who() {
        return operators ? "operators" : "builders";
    }

    /** "3 of 4 operators agreed". */
    public String summary() {
        return agreed.size() + " of " + trustedOperators + " " + who() + " agreed";
    }

    public boolean reproducible() {
        return dissented.isEmpty() && !agreed.isEmpty();
    }
}
