using System.Buffers.Binary;
using System.Text;
using Serverless.MySql.Binlog.Events;
using Serverless.MySql.Replication;

namespace Serverless.MySql.Binlog;

/// <summary>Turns an event's body (header and checksum already split off) into a decoded event.</summary>
public delegate BinlogEvent BinlogEventParser(BinlogEventHeader header, ReadOnlyMemory<byte> body, BinlogEventDecoder decoder);

/// <summary>
/// Decodes a stream of binlog events: verifies checksums, tracks the current FORMAT_DESCRIPTION, file name and table
/// maps, and dispatches each event to the parser registered for its type. Types without a parser are skipped by length;
/// features that would silently lose changes (compressed transactions, partial JSON updates) are refused.
/// </summary>
public sealed class BinlogEventDecoder
{
    private const int MaxCachedTableMaps = 20_000;

    private readonly BinlogEventParser?[] parsers = new BinlogEventParser?[256];
    private readonly Dictionary<ulong, TableMapEvent> tableMaps = [];

    public BinlogEventDecoder(string? fileName = null)
    {
        CurrentFileName = fileName ?? string.Empty;
        Register(BinlogEventType.FormatDescription, (h, b, d) => d.FormatDescription!);
        Register(BinlogEventType.Rotate, ParseRotate);
        Register(BinlogEventType.Query, ParseQuery);
        Register(BinlogEventType.Xid, (h, b, _) => new XidEvent(h, new BinlogSpanReader(b.Span, h.EventType).ReadUInt64()));
        Register(BinlogEventType.MySqlGtid, ParseMySqlGtid);
        Register(BinlogEventType.MySqlAnonymousGtid, ParseMySqlGtid);
        Register(BinlogEventType.MariaDbGtid, ParseMariaDbGtid);
        Register(BinlogEventType.MariaDbGtidList, ParseMariaDbGtidList);
        Register(BinlogEventType.MariaDbAnnotateRows, (h, b, _) => new RowsQueryEvent(h, Encoding.UTF8.GetString(b.Span)));
        Register(BinlogEventType.RowsQuery, (h, b, _) => new RowsQueryEvent(h, Encoding.UTF8.GetString(b.Span.Length > 0 ? b.Span[1..] : b.Span)));
        Register(BinlogEventType.TableMap, ParseTableMap);
        foreach (var type in new[]
                 {
                     BinlogEventType.WriteRowsV1, BinlogEventType.UpdateRowsV1, BinlogEventType.DeleteRowsV1,
                     BinlogEventType.WriteRowsV2, BinlogEventType.UpdateRowsV2, BinlogEventType.DeleteRowsV2,
                 })
        {
            Register(type, ParseRows);
        }

        Register(BinlogEventType.Heartbeat, (h, b, _) => new HeartbeatEvent(h, Encoding.UTF8.GetString(b.Span), h.NextPosition));
        Register(BinlogEventType.HeartbeatV2, ParseHeartbeatV2);
        Register(BinlogEventType.TransactionPayload, Refuse(
            "MySQL compressed this transaction (binlog_transaction_compression=ON). Set binlog_transaction_compression=OFF on the source " +
            "(SET PERSIST binlog_transaction_compression=OFF) so row events are written uncompressed."));
        Register(BinlogEventType.PartialUpdateRows, Refuse(
            "The source logs partial JSON updates (binlog_row_value_options=PARTIAL_JSON), which do not carry full row images. " +
            "Set binlog_row_value_options='' on the source (SET PERSIST binlog_row_value_options='')."));
        foreach (var type in new[]
                 {
                     BinlogEventType.MariaDbQueryCompressed, BinlogEventType.MariaDbWriteRowsCompressedV0, BinlogEventType.MariaDbUpdateRowsCompressedV0,
                     BinlogEventType.MariaDbDeleteRowsCompressedV0, BinlogEventType.MariaDbWriteRowsCompressedV1,
                     BinlogEventType.MariaDbUpdateRowsCompressedV1, BinlogEventType.MariaDbDeleteRowsCompressedV1,
                 })
        {
            Register(type, Refuse(
                "MariaDB compressed this event (log_bin_compress=ON). Set log_bin_compress=OFF on the source (SET GLOBAL log_bin_compress=OFF " +
                "and in the server config); events already written compressed cannot be captured: re-snapshot the affected tables."));
        }

        foreach (var type in new[] { BinlogEventType.WriteRowsV0, BinlogEventType.UpdateRowsV0, BinlogEventType.DeleteRowsV0 })
        {
            Register(type, Refuse("Rows events of version 0 come from MySQL 5.1.0-5.1.15, which this reader does not support; upgrade the source."));
        }
    }

    /// <summary>The FORMAT_DESCRIPTION in force (null before the first one arrives).</summary>
    public FormatDescriptionEvent? FormatDescription { get; private set; }

    /// <summary>The binlog file the next event belongs to, as told by ROTATE events.</summary>
    public string CurrentFileName { get; set; }

    /// <summary>Verify CRC32 checksums when FORMAT_DESCRIPTION says events carry them (on by default).</summary>
    public bool VerifyChecksums { get; set; } = true;

    public void Register(BinlogEventType type, BinlogEventParser parser) => parsers[(byte)type] = parser;

    public TableMapEvent? FindTableMap(ulong tableId) => tableMaps.GetValueOrDefault(tableId);

    /// <summary>Decodes one complete event (header, body and checksum, if any). Rows events keep referencing <paramref name="eventBytes"/>.</summary>
    public BinlogEvent Decode(ReadOnlyMemory<byte> eventBytes)
    {
        var span = eventBytes.Span;
        var header = BinlogEventHeader.Read(span);
        if (header.EventSize != span.Length)
        {
            throw new BinlogFormatException(
                $"{header.EventType} event at offset {header.EventOffset} of '{CurrentFileName}' declares {header.EventSize} bytes but {span.Length} arrived.");
        }

        var checksumLength = 0;
        if (header.EventType == BinlogEventType.FormatDescription)
        {
            FormatDescription = ParseFormatDescription(header, span);
            tableMaps.Clear();
            if (FormatDescription.ChecksumAlgorithm == BinlogChecksumAlgorithm.Crc32)
            {
                Verify(header, span, maskInUseFlag: true);
            }

            return FormatDescription;
        }

        if (FormatDescription is null)
        {
            // Before the first FORMAT_DESCRIPTION (the fake ROTATE that opens a dump) nothing says whether a checksum
            // follows; a matching CRC32 over the rest of the event says it does.
            if (span.Length >= BinlogEventHeader.Size + 4 &&
                Crc32.Compute(span[..^4]) == BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]))
            {
                checksumLength = 4;
            }
        }
        else if (FormatDescription.ChecksumAlgorithm == BinlogChecksumAlgorithm.Crc32)
        {
            checksumLength = 4;
            if (span.Length < BinlogEventHeader.Size + 4)
            {
                throw new BinlogFormatException($"{header.EventType} event at offset {header.EventOffset} of '{CurrentFileName}' is too short to hold its CRC32.");
            }

            Verify(header, span, maskInUseFlag: false);
        }

        var body = eventBytes[BinlogEventHeader.Size..^checksumLength];
        var parser = parsers[(byte)header.EventType];
        return parser is null ? new SkippedEvent(header) : parser(header, body, this);
    }

    private void Verify(BinlogEventHeader header, ReadOnlySpan<byte> span, bool maskInUseFlag)
    {
        if (!VerifyChecksums)
        {
            return;
        }

        var expected = BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]);
        uint actual;
        if (maskInUseFlag && (span[17] & BinlogEventHeader.BinlogInUseFlag) != 0)
        {
            // The server sets "binlog in use" in the file's FORMAT_DESCRIPTION after computing its checksum.
            var state = Crc32.Append(Crc32.Start, span[..17]);
            state = Crc32.Append(state, [(byte)(span[17] & ~BinlogEventHeader.BinlogInUseFlag)]);
            actual = Crc32.Finish(Crc32.Append(state, span[18..^4]));
        }
        else
        {
            actual = Crc32.Compute(span[..^4]);
        }

        if (actual != expected)
        {
            throw new BinlogChecksumException(CurrentFileName, header.EventOffset, header.EventType, expected, actual);
        }
    }

    private static FormatDescriptionEvent ParseFormatDescription(BinlogEventHeader header, ReadOnlySpan<byte> span)
    {
        var reader = new BinlogSpanReader(span[BinlogEventHeader.Size..], BinlogEventType.FormatDescription);
        var binlogVersion = reader.ReadUInt16();
        var versionBytes = reader.ReadBytes(50);
        var zero = versionBytes.IndexOf((byte)0);
        var serverVersion = Encoding.ASCII.GetString(zero < 0 ? versionBytes : versionBytes[..zero]);
        var created = reader.ReadUInt32();
        var headerLength = reader.ReadByte();
        if (binlogVersion != 4 || headerLength != BinlogEventHeader.Size)
        {
            throw new UnsupportedBinlogFeatureException(
                $"Binlog version {binlogVersion} with {headerLength}-byte headers (server {serverVersion}) is not supported; only v4 binlogs (MySQL 5.0+, MariaDB) are.");
        }

        var algorithm = BinlogChecksumAlgorithm.None;
        var lengths = reader.RemainingSpan;
        if (SupportsChecksums(serverVersion))
        {
            if (lengths.Length < 5)
            {
                throw new BinlogFormatException("FORMAT_DESCRIPTION is too short to hold its checksum algorithm.");
            }

            algorithm = (BinlogChecksumAlgorithm)lengths[^5];
            lengths = lengths[..^5];
            if (algorithm is not (BinlogChecksumAlgorithm.None or BinlogChecksumAlgorithm.Crc32 or BinlogChecksumAlgorithm.Undefined))
            {
                throw new UnsupportedBinlogFeatureException($"Binlog checksum algorithm {(int)algorithm} is unknown; set binlog_checksum to CRC32 or NONE.");
            }

            if (algorithm == BinlogChecksumAlgorithm.Undefined)
            {
                algorithm = BinlogChecksumAlgorithm.None;
            }
        }

        return new FormatDescriptionEvent(header, binlogVersion, serverVersion, created, headerLength, lengths.ToArray(), algorithm);
    }

    /// <summary>MySQL 5.6.1+ and MariaDB 5.3+ end FORMAT_DESCRIPTION with the checksum algorithm byte.</summary>
    private static bool SupportsChecksums(string serverVersion)
    {
        var parts = serverVersion.Split('.', '-');
        if (parts.Length < 3 || !int.TryParse(parts[0], out var major) || !int.TryParse(parts[1], out var minor))
        {
            return true;
        }

        var patch = int.TryParse(new string(parts[2].TakeWhile(char.IsAsciiDigit).ToArray()), out var p) ? p : 0;
        if (serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase))
        {
            return major > 5 || (major == 5 && minor >= 3);
        }

        return (major, minor, patch).CompareTo((5, 6, 1)) >= 0;
    }

    private static BinlogEventParser Refuse(string reason) => (h, _, d) => throw new UnsupportedBinlogFeatureException(
        $"{h.EventType} event at offset {h.EventOffset} of '{d.CurrentFileName}': {reason}");

    private int PostHeaderLength(BinlogEventType type, int fallback) => FormatDescription?.PostHeaderLength(type, fallback) ?? fallback;

    private static BinlogEvent ParseRotate(BinlogEventHeader header, ReadOnlyMemory<byte> body, BinlogEventDecoder decoder)
    {
        var reader = new BinlogSpanReader(body.Span, header.EventType);
        var position = reader.ReadUInt64();
        var file = reader.ReadRemainingString();
        decoder.CurrentFileName = file;
        return new RotateEvent(header, position, file);
    }

    private static BinlogEvent ParseQuery(BinlogEventHeader header, ReadOnlyMemory<byte> body, BinlogEventDecoder decoder)
    {
        var reader = new BinlogSpanReader(body.Span, header.EventType);
        var postHeader = decoder.PostHeaderLength(header.EventType, 13);
        var threadId = reader.ReadUInt32();
        var seconds = reader.ReadUInt32();
        var schemaLength = reader.ReadByte();
        var errorCode = reader.ReadUInt16();
        var statusLength = postHeader >= 13 ? reader.ReadUInt16() : 0;
        reader.Skip(Math.Max(0, postHeader - 13));
        reader.Skip(statusLength);
        var schema = reader.ReadString(schemaLength);
        reader.Skip(1);
        return new QueryEvent(header, threadId, seconds, errorCode, schema, reader.ReadRemainingString());
    }

    private static BinlogEvent ParseMySqlGtid(BinlogEventHeader header, ReadOnlyMemory<byte> body, BinlogEventDecoder decoder)
    {
        var reader = new BinlogSpanReader(body.Span, header.EventType);
        var flags = reader.ReadByte();
        var uuid = new Guid(reader.ReadBytes(16), bigEndian: true);
        var number = (long)reader.ReadUInt64();
        long lastCommitted = 0, sequence = 0;
        if (reader.Remaining >= 17 && reader.ReadByte() == 2)
        {
            lastCommitted = (long)reader.ReadUInt64();
            sequence = (long)reader.ReadUInt64();
        }

        ulong? immediate = null, original = null, length = null;
        if (reader.Remaining >= 7)
        {
            const ulong OriginalFollows = 1UL << 55;
            var raw = reader.ReadUInt56();
            immediate = raw & ~OriginalFollows;
            original = (raw & OriginalFollows) != 0 && reader.Remaining >= 7 ? reader.ReadUInt56() : immediate;
            if (reader.Remaining >= 1)
            {
                length = reader.ReadPackedInteger();
            }
        }

        return new MySqlGtidEvent(header, header.EventType == BinlogEventType.MySqlAnonymousGtid, flags, new MySqlGtid(uuid, number),
            lastCommitted, sequence, immediate, original, length);
    }

    private static BinlogEvent ParseMariaDbGtid(BinlogEventHeader header, ReadOnlyMemory<byte> body, BinlogEventDecoder decoder)
    {
        var reader = new BinlogSpanReader(body.Span, header.EventType);
        var sequence = reader.ReadUInt64();
        var domain = reader.ReadUInt32();
        var flags = (MariaDbGtidFlags)reader.ReadByte();
        ulong? commitId = (flags & MariaDbGtidFlags.GroupCommitId) != 0 ? reader.ReadUInt64() : null;
        return new MariaDbGtidEvent(header, new MariaDbGtid(domain, header.ServerId, sequence), flags, commitId);
    }

    private static BinlogEvent ParseMariaDbGtidList(BinlogEventHeader header, ReadOnlyMemory<byte> body, BinlogEventDecoder decoder)
    {
        var reader = new BinlogSpanReader(body.Span, header.EventType);
        var count = reader.ReadUInt32() & 0x0FFFFFFF;
        if (count > (uint)reader.Remaining / 16)
        {
            throw new BinlogFormatException($"GTID_LIST event claims {count} entries but has room for {reader.Remaining / 16}.");
        }

        var gtids = new MariaDbGtid[count];
        for (var i = 0; i < count; i++)
        {
            var domain = reader.ReadUInt32();
            var server = reader.ReadUInt32();
            gtids[i] = new MariaDbGtid(domain, server, reader.ReadUInt64());
        }

        return new MariaDbGtidListEvent(header, gtids);
    }

    private static BinlogEvent ParseTableMap(BinlogEventHeader header, ReadOnlyMemory<byte> body, BinlogEventDecoder decoder)
    {
        var map = TableMapEvent.Parse(header, body.Span, decoder.PostHeaderLength(BinlogEventType.TableMap, 8));
        if (decoder.tableMaps.Count >= MaxCachedTableMaps)
        {
            decoder.tableMaps.Clear();
        }

        decoder.tableMaps[map.TableId] = map;
        return map;
    }

    private static BinlogEvent ParseRows(BinlogEventHeader header, ReadOnlyMemory<byte> body, BinlogEventDecoder decoder) =>
        RowsEvent.Parse(header, body, decoder.PostHeaderLength(header.EventType, header.EventType >= BinlogEventType.WriteRowsV2 ? 10 : 8), decoder.FindTableMap);

    private static BinlogEvent ParseHeartbeatV2(BinlogEventHeader header, ReadOnlyMemory<byte> body, BinlogEventDecoder decoder)
    {
        // Fields are (type, packed length, value): 1 = log file name, 2 = position as a packed integer.
        var reader = new BinlogSpanReader(body.Span, header.EventType);
        var file = decoder.CurrentFileName;
        ulong position = header.NextPosition;
        while (reader.Remaining > 0)
        {
            var type = reader.ReadByte();
            var length = reader.ReadPackedLength();
            var value = new BinlogSpanReader(reader.ReadBytes(length), header.EventType);
            if (type == 1)
            {
                file = value.ReadRemainingString();
            }
            else if (type == 2 && length > 0)
            {
                position = value.ReadPackedInteger();
            }
        }

        return new HeartbeatEvent(header, file, position);
    }
}
