package io.kubelite.kubelet.network;

import io.kubelite.kubelet.shell.PodNetwork.Failure;
import io.kubelite.kubelet.shell.PodNetwork.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

/**
 * The only real sockets of the pod network: an exchange with one of kubelite's own processes on
 * 127.0.0.1 (a hostNetwork endpoint, such as the cluster DNS server behind the kube-dns
 * Service). Blocking, with the exchange's timeout: run it on the network's own threads only.
 */
final class LoopbackExchange {
    static final int MAX_REPLY = 1 << 20;

    private LoopbackExchange() {}

    static Reply tcp(int port, byte[] request, Duration timeout, String detail) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), millisLeft(deadline));
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            s.shutdownOutput();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            while (out.size() < MAX_REPLY) {
                s.setSoTimeout(millisLeft(deadline));
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
            }
            return Reply.of(out.toByteArray(), detail);
        } catch (ConnectException e) {
            return Reply.failed(Failure.REFUSED, detail + ": " + e.getMessage());
        } catch (SocketTimeoutException | TimedOut e) {
            return Reply.failed(Failure.TIMED_OUT, detail);
        } catch (IOException e) {
            return Reply.failed(Failure.REFUSED, detail + ": " + e.getMessage());
        }
    }

    static Reply udp(int port, byte[] datagram, Duration timeout, String detail) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.connect(InetAddress.getLoopbackAddress(), port);
            s.send(new DatagramPacket(datagram, datagram.length));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.setSoTimeout(millisLeft(deadline));
            s.receive(p);
            return Reply.of(Arrays.copyOf(buf, p.getLength()), detail);
        } catch (PortUnreachableException e) {
            return Reply.failed(Failure.REFUSED, detail);
        } catch (SocketTimeoutException | TimedOut e) {
            return Reply.failed(Failure.TIMED_OUT, detail);
        } catch (IOException e) {
            return Reply.failed(Failure.TIMED_OUT, detail + ": " + e.getMessage());
        }
    }

    private static final class TimedOut extends IOException {
        TimedOut() {
            super("timed out", null);
        }
    }

    private static int millisLeft(long deadline) throws TimedOut {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new TimedOut();
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }
}
