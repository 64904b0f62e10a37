package io.kubelite.store.transfer;

/**
 * Last line of an export: how many keys precede it and a checksum of every byte
 * before it, so a truncated or edited file is detected before anything is written.
 *
 * @param keys   number of key lines
 * @param leased how many of them carry a TTL
 * @param sha256 lower-case hex SHA-256 of all lines before the trailer, each with its '\n'
 */
public record ExportTrailer(long keys, long leased, String sha256) {}
