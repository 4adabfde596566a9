package io.buildchain.core.release;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.ManifestNames;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a release says about itself, signed by every builder as one more manifest entry, {@value #NAME}, whose
 * file holds this record as canonical JSON. The original formats stay untouched (to the original tools it is just
 * another file), and two builders given the same inputs write byte-identical records, so the quorum still
 * compares plain manifest digests.
 *
 * @param project    the project the release is for
 * @param branch     the branch the release is for
 * @param version    the release's version (a tag, a build number)
 * @param revision   the source revision (a commit id), or null when the builder was not told one
 * @param sourceTime the source revision time, Unix seconds, equal to the manifest's {@code time}
 * @param sizes      every other manifest entry's size in bytes, by name
 */
public record ReleaseRecord(String project, String branch, String version, String revision, long sourceTime,
        SortedMap<String, Long> sizes) {

    /** The reserved manifest entry. */
    public static final String NAME = ".buildchain/release.json";
    public static final String FORMAT = "buildchain-release/1";
    /** The largest record read: about 100 000 entries of long names. */
    public static final int MAX_BYTES = 16 << 20;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    static {
        STRICT.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).build());
    }

    public ReleaseRecord {
        Store.checkName(project, "release record: project");
        Store.checkName(branch, "release record: branch");
        checkToken(version, "version");
        if (revision != null) {
            checkToken(revision, "revision");
        }
        TreeMap<String, Long> sorted = new TreeMap<>(ManifestNames.ORDER);
        for (Map.Entry<String, Long> entry : sizes.entrySet()) {
            ManifestNames.check(entry.getKey());
            if (entry.getKey().equals(NAME)) {
                throw new FormatException("release record: lists itself (" + NAME + ") among the sizes");
            }
            if (entry.getValue() == null || entry.getValue() < 0) {
                throw new FormatException("release record: size of " + entry.getKey() + " must be 0 or more");
            }
            sorted.put(entry.getKey(), entry.getValue());
        }
        sizes = Collections.unmodifiableSortedMap(sorted);
    }

    private static void checkToken(String value, String what) {
        if (value == null || !TOKEN.matcher(value).matches()) {
            throw new FormatException("release record: " + what + " \"" + value + "\": expected 1-128 characters from"
                    + " A-Z a-z 0-9 . _ + -, starting with a letter or digit");
        }
    }

    /** The canonical bytes: the manifest's style (2-space indent, no trailing newline), fields in this order. */
    public byte[] render() {
        StringBuilder out = new StringBuilder(256 + sizes.size() * 96);
        out.append("{\n  \"format\": \"").append(FORMAT).append("\",\n");
        field(out, "project", project);
        field(out, "branch", branch);
        field(out, "version", version);
        if (revision != null) {
            field(out, "revision", revision);
        }
        out.append("  \"sourceTime\": ").append(Long.toUnsignedString(sourceTime)).append(",\n  \"files\": ");
        if (sizes.isEmpty()) {
            out.append("{}");
        } else {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Long> entry : sizes.entrySet()) {
                out.append(first ? "\n    " : ",\n    ");
                first = false;
                Manifest.appendJsonString(out, entry.getKey());
                out.append(": ").append(entry.getValue());
            }
            out.append("\n  }");
        }
        return out.append("\n}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append("  \"").append(name).append("\": ");
        Manifest.appendJsonString(out, value);
        out.append(",\n");
    }

    /**
     * Strict parse: at most {@link #MAX_BYTES}, exactly the fields above, and the bytes must be exactly what
     * {@link #render()} gives, so one release has one record.
     */
    public static ReleaseRecord parse(byte[] bytes, String source) {
        if (bytes.length > MAX_BYTES) {
            throw new FormatException(source + ": release record larger than " + MAX_BYTES + " bytes");
        }
        ReleaseRecord record;
        try {
            JsonNode tree = STRICT.readTree(bytes);
            if (tree == null || !tree.isObject()) {
                throw new FormatException(source + ": release record is not a JSON object");
            }
            if (!FORMAT.equals(text(tree, "format", source))) {
                throw new FormatException(source + ": not a " + FORMAT + " release record");
            }
            JsonNode time = tree.get("sourceTime");
            if (time == null || !time.canConvertToExactIntegral() || !time.canConvertToLong() || time.asLong() < 0) {
                throw new FormatException(source + ": release record: sourceTime must be Unix seconds");
            }
            JsonNode files = tree.get("files");
            if (files == null || !files.isObject()) {
                throw new FormatException(source + ": release record: files must be an object of sizes");
            }
            TreeMap<String, Long> sizes = new TreeMap<>(ManifestNames.ORDER);
            for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!entry.getValue().isIntegralNumber() || !entry.getValue().canConvertToLong()) {
                    throw new FormatException(source + ": release record: size of " + entry.getKey()
                            + " must be a whole number");
                }
                sizes.put(entry.getKey(), entry.getValue().asLong());
            }
            JsonNode revision = tree.get("revision");
            record = new ReleaseRecord(text(tree, "project", source), text(tree, "branch", source),
                    text(tree, "version", source), revision == null ? null : text(tree, "revision", source),
                    time.asLong(), sizes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new FormatException(source + ": release record is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new FormatException(source + ": release record is not readable: " + e.getMessage());
        } catch (FormatException e) {
            throw e.getMessage().startsWith(source + ": ") ? e : new FormatException(source + ": " + e.getMessage());
        }
        if (!Arrays.equals(record.render(), bytes)) {
            throw new FormatException(source + ": release record is not in canonical form (write it with "
                    + "'buildchain manifest --release-version')");
        }
        return record;
    }

    private static String text(JsonNode tree, String field, String source) {
        JsonNode node = tree.get(field);
        if (node == null || !node.isTextual()) {
            throw new FormatException(source + ": release record: " + field + " must be a string");
        }
        return node.textValue();
    }

    /** The record entry's digest in {@code manifest}, if the release carries a record. */
    public static Optional<Digest> entry(Manifest manifest) {
        return Optional.ofNullable(manifest.files().get(NAME));
    }

    /** The recorded size of {@code name}: the bound for reading that file. */
    public OptionalLong size(String name) {
        Long size = sizes.get(name);
        return size == null ? OptionalLong.empty() : OptionalLong.of(size);
    }

    /** Reads and checks the record {@code manifest} names, from {@code bytes} (the entry's file content). */
    public static ReleaseRecord of(Manifest manifest, byte[] bytes, String source) {
        Digest expected = entry(manifest).orElseThrow(() -> new FormatException(source + ": the manifest has no "
                + NAME + " entry"));
        if (!Digest.of(bytes).equals(expected)) {
            throw new VerificationException(source + ": release record does not match its manifest digest");
        }
        ReleaseRecord record = parse(bytes, source);
        record.checkDescribes(manifest, source);
        return record;
    }

    /** The record lists exactly the manifest's other entries, and the manifest's source time. */
    public void checkDescribes(Manifest manifest, String source) {
        if (sourceTime != manifest.time()) {
            throw new VerificationException(source + ": release record says source time "
                    + Long.toUnsignedString(sourceTime) + ", the manifest " + Long.toUnsignedString(manifest.time()));
        }
        for (String name : manifest.files().keySet()) {
            if (!name.equals(NAME) && !sizes.containsKey(name)) {
                throw new VerificationException(source + ": release record has no size for \"" + name + "\"");
            }
        }
        for (String name : sizes.keySet()) {
            if (!manifest.files().containsKey(name)) {
                throw new VerificationException(source + ": release record lists \"" + name
                        + "\", which the manifest does not");
            }
        }
    }

    /** Refuses a record for another project or branch than {@code project}/{@code branch}. */
    public void checkFor(String project, String branch, String source) {
        if (!this.project.equals(project) || !this.branch.equals(branch)) {
            throw new VerificationException("wrong release: " + source + " is a release of " + this.project + "/"
                    + this.branch + " (version " + version + "), not of " + project + "/" + branch);
        }
    }

    /** Checks each file of {@code dir} the record lists has the recorded size. */
    public void checkSizes(Path dir, String source) throws IOException {
        for (Map.Entry<String, Long> entry : sizes.entrySet()) {
            Path file = dir.resolve(entry.getKey());
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) != entry.getValue()) {
                throw new VerificationException("\"" + entry.getKey() + "\" is " + Files.size(file)
                        + " bytes, but the release record of " + source + " says " + entry.getValue());
            }
        }
    }

    /** "version 1.2 (revision abc…)", for summaries and pages. */
    public String describe() {
        return "version " + version + (revision == null ? "" : ", revision " + revision);
    }

    /**
     * Writes the record for the files under {@code dir} into {@code dir/}{@value #NAME} (replacing an earlier
     * one) and returns the manifest that includes it.
     */
    public static Manifest writeInto(Path dir, SortedMap<String, Digest> files, String project, String branch,
            String version, String revision, long sourceTime) throws IOException {
        TreeMap<String, Long> sizes = new TreeMap<>(ManifestNames.ORDER);
        TreeMap<String, Digest> entries = new TreeMap<>(ManifestNames.ORDER);
        for (Map.Entry<String, Digest> file : files.entrySet()) {
            if (!file.getKey().equals(NAME)) {
                sizes.put(file.getKey(), Files.size(dir.resolve(file.getKey())));
                entries.put(file.getKey(), file.getValue());
            }
        }
        byte[] bytes = new ReleaseRecord(project, branch, version, revision, sourceTime, sizes).render();
        Path target = dir.resolve(NAME);
        Files.createDirectories(target.getParent());
        AtomicFiles.write(target, bytes, AtomicFiles.OWNER_WRITE_ALL_READ, true);
        entries.put(NAME, Digest.of(bytes));
        return new Manifest(sourceTime, entries);
    }
}
