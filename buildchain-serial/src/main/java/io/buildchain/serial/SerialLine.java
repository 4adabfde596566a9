package io.buildchain.serial;

import com.fazecast.jSerialComm.SerialPort;
import io.buildchain.core.BuildchainException;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;

/**
 * A serial port set up as pihsm's pyserial ports are (8 data bits, no parity, 1 stop bit, no flow
 * control), with pyserial's read semantics: one {@code read(n)} has one overall deadline.
 */
public final class SerialLine implements AutoCloseable {
    /** pihsm's line rate. */
    public static final int DEFAULT_BAUD = 57600;
    /** pihsm's SERIAL_TIMEOUT: the deadline of one read. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** How long one poll waits, so that callers notice a stop request quickly. */
    private static final int POLL_MILLIS = 100;

    private final SerialPort port;
    private final String path;

    private SerialLine(SerialPort port, String path) {
        this.port = port;
        this.path = path;
    }

    public static SerialLine open(String path, int baud) {
        if (baud <= 0) {
            throw new BuildchainException("--baud " + baud + ": expected a positive line rate such as 57600");
        }
        SerialPort port = SerialPort.getCommPort(path);
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING, POLL_MILLIS, 0);
        if (!port.openPort()) {
            throw new BuildchainException("cannot open serial port " + path + " (error " + port.getLastErrorCode()
                    + "; does it exist, and may this user open it? e.g. add the user to group dialout)");
        }
        return new SerialLine(port, path);
    }

    public String path() {
        return path;
    }

    public int baud() {
        return port.getBaudRate();
    }

    /** Writes all of {@code bytes} (blocking writes: they are in the kernel's queue when this returns). */
    public void write(byte[] bytes) throws IOException {
        int written = 0;
        while (written < bytes.length) {
            int n = port.writeBytes(bytes, bytes.length - written, written);
            if (n < 0) {
                throw new IOException(path + ": write failed (error " + port.getLastErrorCode() + ")");
            }
            written += n;
        }
    }

    /** Up to {@code n} bytes, returning early only when {@code deadline} passes (pyserial's read(n)). */
    public byte[] read(int n, Duration deadline) throws IOException {
        byte[] buffer = new byte[n];
        int got = 0;
        long end = System.nanoTime() + deadline.toNanos();
        while (got < n && System.nanoTime() < end) {
            int r = port.readBytes(buffer, n - got, got);
            if (r < 0) {
                throw new IOException(path + ": read failed (error " + port.getLastErrorCode() + ")");
            }
            got += r;
        }
        return got == n ? buffer : Arrays.copyOf(buffer, got);
    }

    /** Whatever arrives within one short poll (possibly nothing). */
    public byte[] poll(int max) throws IOException {
        byte[] buffer = new byte[max];
        int r = port.readBytes(buffer, max);
        if (r < 0) {
            throw new IOException(path + ": read failed (error " + port.getLastErrorCode() + ")");
        }
        return Arrays.copyOf(buffer, r);
    }

    /** Reads and drops up to {@code max} bytes, waiting up to the deadline (the signer's stale input at start). */
    public int drain(int max, Duration deadline) throws IOException {
        return read(max, deadline).length;
    }

    @Override
    public void close() {
        port.closePort();
    }
}
