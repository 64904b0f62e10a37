package io.kubelite.metrics;

/**
 * Kubernetes {@code resource.Quantity} canonical strings for the two kinds metrics-server makes:
 * CPU as {@code NewScaledQuantity(nanocores, -9)} in DecimalSI ({@code 137870375n},
 * {@code 5m}, {@code 1500u}, {@code 2}) and memory as a BinarySI byte count ({@code 2748180Ki},
 * {@code 12Mi}, or plain bytes under 1024 or when not a multiple of 1024).
 */
public final class Quantities {
    private static final String[] DECIMAL = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private Quantities() {}

    /** {@code nanoCores} × 10⁻⁹ cores, as kube's {@code CanonicalizeBytes} writes it. */
    public static String cpu(long nanoCores) {
        if (nanoCores == 0) {
            return "0";
        }
        long amount = nanoCores;
        int exponent = -9;
        while (amount % 10 == 0) {
            amount /= 10;
            exponent++;
        }
        // the exponent must be a multiple of 3: give back zeros to the mantissa
        int rem = Math.floorMod(exponent, 3);
        for (int i = 0; i < rem; i++) {
            amount *= 10;
        }
        exponent -= rem;
        return amount + DECIMAL[(exponent + 9) / 3];
    }

    /** {@code bytes} as BinarySI: below 1024, or not a whole multiple of 1024, it is written in plain bytes. */
    public static String memory(long bytes) {
        if (bytes > -1024 && bytes < 1024) {
            return Long.toString(bytes);
        }
        long amount = bytes;
        int exponent = 0;
        while (amount % 1024 == 0 && exponent < BINARY.length - 1) {
            amount /= 1024;
            exponent++;
        }
        return amount + BINARY[exponent];
    }
}
