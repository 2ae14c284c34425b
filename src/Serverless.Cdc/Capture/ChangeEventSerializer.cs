using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Serverless.MySql.Binlog;
using Serverless.MySql.Replication;

namespace Serverless.Cdc.Capture;

/// <summary>
/// The change-event wire format, version 2: compact binary, little-endian, unsigned LEB128 varints ("v") and zigzag
/// varints ("z"); the layout is in docs/design-notes.md ("Change transport"). The first byte is the format version,
/// so a reader meets a newer format with a clear error instead of misreading it. Version 2 adds the source generation
/// (<see cref="ChangeEvent.SourceGeneration"/>) before the binlog position; version 1 records, written before it, are
/// still read, as generation 0.
/// </summary>
public static class ChangeEventSerializer
{
    /// <summary>The version this serializer writes.</summary>
    public const byte FormatVersion = 2;

    /// <summary>The first version that carries the source generation; older records are of generation 0.</summary>
    private const byte FirstVersionWithGeneration = 2;

    private const byte HasBits = 0x80;
    private const byte HasAux = 0x40;
    private const byte HasBytes = 0x20;
    private const byte KindMask = 0x1F;

    public static byte[] Serialize(ChangeEvent change)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Serialize(change, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Serialize(ChangeEvent change, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(output);
        if (change.Position.IsEmpty)
        {
            throw new ArgumentException($"The change event {change.Kind} {change.QualifiedTable} has no source position; every change needs one.", nameof(change));
        }

        // Checks that the generation and position fit the lake's key before the event is in the log, not in a writer.
        var position = change.SourcePosition;

        var w = new Writer(output);
        w.Byte(FormatVersion);
        w.Byte((byte)change.Kind);
        w.String(change.Database);
        w.String(change.Table);
        w.UVarint((ulong)change.SchemaVersion);
        w.UVarint((ulong)position.Generation);
        w.String(position.Binlog.FileName);
        w.UVarint((ulong)position.Binlog.EventOffset);
        w.UVarint((uint)position.Binlog.RowIndex);
        w.NullableString(change.Gtid);
        w.ZVarint((change.CommitTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);
        w.Values(change.Key);
        w.Values(change.Row);
        w.NullableString(change.Sql);
    }

    public static ChangeEvent Deserialize(ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        var version = r.Byte();
        if (version is 0 or > FormatVersion)
        {
            throw new ChangeEventFormatException(
                $"Change event format version {version} is not known to this reader (it reads versions 1 to {FormatVersion}); upgrade the writer to the version capture runs.");
        }

        var kind = (ChangeKind)r.Byte();
        if (kind is < ChangeKind.Insert or > ChangeKind.Ddl)
        {
            throw new ChangeEventFormatException($"Change event kind {(byte)kind} at offset 1 is not insert, update, delete or DDL; the record is damaged.");
        }

        var recent = RecentStrings.ForThread;
        var database = recent.Get(0, r.Take(r.UVarint()));
        var table = recent.Get(1, r.Take(r.UVarint()));
        var schemaVersion = (long)r.UVarint();
        var generation = version >= FirstVersionWithGeneration ? r.UVarint() : 0;
        var file = recent.Get(2, r.Take(r.UVarint()));
        var offset = (long)r.UVarint();
        var row = (int)r.UVarint();
        var gtidLength = r.UVarint();
        var gtid = gtidLength == 0 ? null : recent.Get(3, r.Take(gtidLength - 1));
        var micros = r.ZVarint();

        // The values' bytes are slices of one copy of the rest of the record: one array per change, not one per value.
        var rest = new Reader(data[r.Offset..].ToArray(), r.Offset);
        var key = rest.Values();
        var image = rest.Values();
        var sql = rest.NullableString();
        if (!rest.AtEnd)
        {
            throw new ChangeEventFormatException($"Change event has {data.Length - rest.Offset} bytes after its end at offset {rest.Offset}; the record is damaged.");
        }

        SourcePosition position;
        try
        {
            // A generation beyond long's range becomes negative here, which the position refuses like any other out of range.
            position = new SourcePosition(unchecked((long)generation), new BinlogPosition(file, offset, row));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new ChangeEventFormatException(
                $"Change event's source position '{file}:{offset}:{row}' of source generation {generation} is not a position capture writes; the record is damaged.", e);
        }

        return new ChangeEvent
        {
            Kind = kind, Database = database, Table = table, SchemaVersion = schemaVersion, Position = position.Binlog, SourceGeneration = position.Generation, Gtid = gtid,
            CommitTime = DateTimeOffset.UnixEpoch.AddTicks(micros * 10), Key = key, Row = image, Sql = sql,
        };
    }

    private ref struct Writer(IBufferWriter<byte> output)
    {
        private readonly IBufferWriter<byte> output = output;

        public readonly void Byte(byte value)
        {
            output.GetSpan(1)[0] = value;
            output.Advance(1);
        }

        public readonly void UVarint(ulong value)
        {
            var span = output.GetSpan(10);
            var n = 0;
            while (value >= 0x80)
            {
                span[n++] = (byte)(value | 0x80);
                value >>= 7;
            }

            span[n++] = (byte)value;
            output.Advance(n);
        }

        public readonly void ZVarint(long value) => UVarint((ulong)((value << 1) ^ (value >> 63)));

        public readonly void Bytes(ReadOnlySpan<byte> bytes)
        {
            UVarint((uint)bytes.Length);
            output.Write(bytes);
        }

        public readonly void String(string text)
        {
            var length = Encoding.UTF8.GetByteCount(text);
            UVarint((uint)length);
            var span = output.GetSpan(length);
            output.Advance(Encoding.UTF8.GetBytes(text, span));
        }

        public readonly void NullableString(string? text)
        {
            if (text is null)
            {
                UVarint(0);
                return;
            }

            var length = Encoding.UTF8.GetByteCount(text);
            UVarint((uint)length + 1);
            var span = output.GetSpan(length);
            output.Advance(Encoding.UTF8.GetBytes(text, span));
        }

        public readonly void Values(IReadOnlyList<ChangeValue> values)
        {
            UVarint((uint)values.Count);
            for (var i = 0; i < values.Count; i++)
            {
                Value(values[i]);
            }
        }

        private readonly void Value(in ChangeValue value)
        {
            var tag = (byte)value.Kind;
            if (value.Bits != 0)
            {
                tag |= HasBits;
            }

            if (value.Aux != 0)
            {
                tag |= HasAux;
            }

            if (!value.Bytes.IsEmpty)
            {
                tag |= HasBytes;
            }

            Byte(tag);
            if (value.Bits != 0)
            {
                switch (value.Kind)
                {
                    case ColumnValueKind.Double:
                        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value.Bits);
                        output.Advance(8);
                        break;
                    case ColumnValueKind.Single:
                        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), (int)value.Bits);
                        output.Advance(4);
                        break;
                    default:
                        ZVarint(value.Bits);
                        break;
                }
            }

            if (value.Aux != 0)
            {
                ZVarint(value.Aux);
            }

            if (!value.Bytes.IsEmpty)
            {
                Bytes(value.Bytes.Span);
            }
        }
    }

    /// <summary>Reads a record, or the rest of one from <see cref="start"/> on when <see cref="owner"/> holds it (value bytes are then slices of it).</summary>
    private ref struct Reader
    {
        private readonly ReadOnlySpan<byte> data;
        private readonly byte[]? owner;
        private readonly int start;
        private int at;

        public Reader(ReadOnlySpan<byte> data)
        {
            this.data = data;
        }

        public Reader(byte[] rest, int start)
        {
            data = rest;
            owner = rest;
            this.start = start;
        }

        /// <summary>The offset in the whole record.</summary>
        public readonly int Offset => start + at;

        public readonly bool AtEnd => at == data.Length;

        public byte Byte()
        {
            if (at >= data.Length)
            {
                throw Truncated();
            }

            return data[at++];
        }

        public ulong UVarint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new ChangeEventFormatException($"Change event has a varint longer than 10 bytes at offset {Offset}; the record is damaged.");
        }

        public long ZVarint()
        {
            var v = UVarint();
            return (long)(v >> 1) ^ -(long)(v & 1);
        }

        public ReadOnlySpan<byte> Take(ulong length)
        {
            if (length > (ulong)(data.Length - at))
            {
                throw Truncated();
            }

            var span = data.Slice(at, (int)length);
            at += (int)length;
            return span;
        }

        /// <summary>The next <paramref name="length"/> bytes as their own memory: a slice of the owner, else a copy.</summary>
        public ReadOnlyMemory<byte> TakeMemory(ulong length)
        {
            var from = at;
            var span = Take(length);
            return owner is null ? span.ToArray() : new ReadOnlyMemory<byte>(owner, from, span.Length);
        }

        public string? NullableString()
        {
            var n = UVarint();
            return n == 0 ? null : Encoding.UTF8.GetString(Take(n - 1));
        }

        public ChangeValue[] Values()
        {
            var count = UVarint();
            if (count > (ulong)(data.Length - at))
            {
                throw Truncated();
            }

            var values = new ChangeValue[count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Value();
            }

            return values;
        }

        private ChangeValue Value()
        {
            var at = Offset;
            var tag = Byte();
            var kind = (ColumnValueKind)(tag & KindMask);
            if (kind > ColumnValueKind.Geometry)
            {
                throw new ChangeEventFormatException($"Change event has value kind {(int)kind} at offset {at}, which this version does not know; the record is damaged or newer.");
            }

            long bits = 0;
            if ((tag & HasBits) != 0)
            {
                bits = kind switch
                {
                    ColumnValueKind.Double => BinaryPrimitives.ReadInt64LittleEndian(Take(8)),
                    ColumnValueKind.Single => BinaryPrimitives.ReadInt32LittleEndian(Take(4)),
                    _ => ZVarint(),
                };
            }

            var aux = (tag & HasAux) != 0 ? (int)ZVarint() : 0;
            var bytes = (tag & HasBytes) != 0 ? TakeMemory(UVarint()) : default;
            return new ChangeValue(kind, bits, aux, bytes);
        }

        private readonly ChangeEventFormatException Truncated() =>
            new($"Change event ends early at offset {Offset} of {start + data.Length} bytes; the record is truncated or damaged.");
    }
}
