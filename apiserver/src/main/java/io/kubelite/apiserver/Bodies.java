package io.kubelite.apiserver;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * Where large response bodies (lists) are written: {@link #DIRECT} for the socket (Netty sends a
 * direct buffer as it is and copies a heap one into a direct one first), {@link #HEAP} for the
 * callers that want an array. Both are Netty's shared, thread-safe allocators; no state here.
 */
final class Bodies {
    /** Off-heap, pooled where the size allows (a 10,000-pod list is larger than a pool chunk, so unpooled). */
    static final ByteBufAllocator DIRECT = PooledByteBufAllocator.DEFAULT;

    /** On-heap, unpooled: its buffers are plain arrays. */
    static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false);

    private Bodies() {}

    /** The readable bytes of a heap buffer as an array (its own when it is exactly that), releasing it. */
    static byte[] array(ByteBuf b) {
        try {
            if (b.hasArray() && b.arrayOffset() == 0 && b.readerIndex() == 0 && b.array().length == b.readableBytes()) {
                return b.array();
            }
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }
}
