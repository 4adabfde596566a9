package io.buildchain.core.root;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.encoding.Base32;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A statement the offline root key signs about a signer key: a {@link SignerCertificate} or a
 * {@link Revocation}. Text, five lines, the last one {@code signature B32} over the bytes of the lines
 * before it; the first line names the kind and version, so other kinds can be added later without
 * changing these.
 */
public sealed interface RootStatement permits SignerCertificate, Revocation {
    /** Longest statement accepted (they are about 330 bytes). */
    int MAX_BYTES = 1024;
    /** Most statements a store's {@code root/statements} may hold. */
    int MAX_STATEMENTS = 10_000;

    PublicKey root();

    PublicKey signer();

    /** Canonical base32 of the root's Ed25519 signature over {@link #body()}. */
    String signature();

    /** The signed lines, each ending in a newline. */
    String body();

    /** For messages: "certificate for signer X" or "revocation of signer X". */
    String describe();

    default byte[] encode() {
        return (body() + "signature " + signature() + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    default boolean signatureValid() {
        byte[] body = body().getBytes(StandardCharsets.US_ASCII);
        return root().verify(Base32.decode(signature(), "signature"), 0, body, 0, body.length);
    }

    /** Exactly one statement (a file given to {@code root add}, or pasted into the Jenkins settings). */
    static RootStatement parse(byte[] bytes, String where) {
        List<RootStatement> all = parseAll(bytes, where);
        if (all.size() != 1) {
            throw new FormatException(where + ": expected one root statement, found " + all.size());
        }
        return all.get(0);
    }

    /** Statements one after the other, as in {@code root/statements}; empty input is no statements. */
    static List<RootStatement> parseAll(byte[] bytes, String where) {
        if (bytes.length > MAX_STATEMENTS * MAX_BYTES) {
            throw new FormatException(where + ": larger than " + MAX_STATEMENTS * MAX_BYTES + " bytes");
        }
        StatementText text = StatementText.of(bytes, 0, bytes.length, where);
        List<RootStatement> statements = new ArrayList<>();
        while (!text.atEnd()) {
            if (statements.size() == MAX_STATEMENTS) {
                throw new FormatException(where + ": more than " + MAX_STATEMENTS + " statements");
            }
            int start = text.position();
            String header = text.peekLine();
            String at = where + " (statement " + (statements.size() + 1) + ")";
            RootStatement statement = switch (header) {
                case SignerCertificate.HEADER -> SignerCertificate.read(text);
                case Revocation.HEADER -> Revocation.read(text);
                default -> throw new FormatException(at + ": expected '" + SignerCertificate.HEADER + "' or '" + Revocation.HEADER
                        + "', found '" + (header.length() > 40 ? header.substring(0, 40) + "…" : header) + "'");
            };
            if (text.position() - start > MAX_BYTES) {
                throw new FormatException(at + ": longer than " + MAX_BYTES + " bytes");
            }
            statements.add(statement);
        }
        return statements;
    }
}
