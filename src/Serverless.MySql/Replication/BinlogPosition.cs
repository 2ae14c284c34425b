using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.MySql.Replication;

/// <summary>
/// A point in the source's binlog: the file (by its numeric suffix, which is what orders files), the offset of the
/// event that carries a change, and the row index within that event. Positions sort in binlog order, so the lake can
/// keep "the highest position wins" without knowing anything about files.
/// </summary>
[JsonConverter(typeof(BinlogPositionJsonConverter))]
public readonly struct BinlogPosition : IEquatable<BinlogPosition>, IComparable<BinlogPosition>
{
    /// <summary>The smallest offset of an event in a binlog file: the 4-byte magic header comes first.</summary>
    public const long FirstEventOffset = 4;

    public BinlogPosition(string fileName, long eventOffset, int rowIndex = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentOutOfRangeException.ThrowIfNegative(eventOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(rowIndex);
        FileName = fileName;
        FileIndex = ParseFileIndex(fileName);
        EventOffset = eventOffset;
        RowIndex = rowIndex;
    }

    private BinlogPosition(string fileName, long fileIndex, long eventOffset, int rowIndex)
    {
        FileName = fileName;
        FileIndex = fileIndex;
        EventOffset = eventOffset;
        RowIndex = rowIndex;
    }

    /// <summary>The binlog file name as the server names it, e.g. <c>mariadb-bin.000042</c>.</summary>
    public string FileName { get; }

    /// <summary>The numeric suffix of <see cref="FileName"/>; binlog files are ordered by it.</summary>
    public long FileIndex { get; }

    /// <summary>The offset of the event (its first header byte) in the file.</summary>
    public long EventOffset { get; }

    /// <summary>The row within a rows event (0 for events that carry no rows).</summary>
    public int RowIndex { get; }

    public bool IsEmpty => FileName is null;

    public BinlogPosition WithRow(int rowIndex) => new(FileName, FileIndex, EventOffset, rowIndex);

    public BinlogPosition WithEventOffset(long eventOffset) => new(FileName, FileIndex, eventOffset, 0);

    /// <summary>
    /// A single integer that sorts like the position, for a lake column: file index × 2^72 + offset × 2^32 + row index.
    /// The row index takes 32 bits, the offset 40 (binlog files are far below 1 TB) and the file index the 31 bits the
    /// servers number files with (up to 2^31 - 1, MAX_LOG_UNIQUE_FN_EXT), so the key stays below 2^103; the lake's
    /// position adds a source generation above that (Serverless.Cdc's SourcePosition).
    /// </summary>
    public UInt128 SortKey => ((UInt128)(ulong)FileIndex << 72) | ((UInt128)(ulong)EventOffset << 32) | (uint)RowIndex;

    /// <summary>Extracts the numeric suffix that orders binlog files (<c>binlog.000123</c> → 123).</summary>
    public static long ParseFileIndex(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var dot = fileName.LastIndexOf('.');
        var suffix = fileName.AsSpan(dot + 1);
        if (dot < 0 || suffix.IsEmpty || !long.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw new FormatException($"Binlog file name '{fileName}' has no numeric suffix (expected a name like 'binlog.000001').");
        }

        return index;
    }

    public int CompareTo(BinlogPosition other)
    {
        var c = FileIndex.CompareTo(other.FileIndex);
        if (c != 0)
        {
            return c;
        }

        c = EventOffset.CompareTo(other.EventOffset);
        return c != 0 ? c : RowIndex.CompareTo(other.RowIndex);
    }

    public bool Equals(BinlogPosition other) =>
        FileIndex == other.FileIndex && EventOffset == other.EventOffset && RowIndex == other.RowIndex &&
        string.Equals(FileName, other.FileName, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is BinlogPosition other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(FileIndex, EventOffset, RowIndex);

    public static bool operator ==(BinlogPosition left, BinlogPosition right) => left.Equals(right);

    public static bool operator !=(BinlogPosition left, BinlogPosition right) => !left.Equals(right);

    public static bool operator <(BinlogPosition left, BinlogPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(BinlogPosition left, BinlogPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(BinlogPosition left, BinlogPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(BinlogPosition left, BinlogPosition right) => left.CompareTo(right) >= 0;

    /// <summary>The compact form <c>file:offset:row</c>, e.g. <c>mariadb-bin.000002:1234:0</c>.</summary>
    public override string ToString() =>
        IsEmpty ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"{FileName}:{EventOffset}:{RowIndex}");

    public static BinlogPosition Parse(string text)
    {
        if (!TryParse(text, out var position))
        {
            throw new FormatException($"'{text}' is not a binlog position; expected 'file:offset:row', e.g. 'mariadb-bin.000002:1234:0'.");
        }

        return position;
    }

    public static bool TryParse(string? text, out BinlogPosition position)
    {
        position = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var lastColon = text.LastIndexOf(':');
        if (lastColon <= 0)
        {
            return false;
        }

        var middleColon = text.LastIndexOf(':', lastColon - 1);
        if (middleColon <= 0)
        {
            return false;
        }

        var file = text[..middleColon];
        if (!long.TryParse(text.AsSpan(middleColon + 1, lastColon - middleColon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ||
            !int.TryParse(text.AsSpan(lastColon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var row))
        {
            return false;
        }

        try
        {
            position = new BinlogPosition(file, offset, row);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>JSON form <c>{"file":"mariadb-bin.000002","offset":1234,"row":0}</c>.</summary>
public sealed class BinlogPositionJsonConverter : JsonConverter<BinlogPosition>
{
    public override BinlogPosition Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return BinlogPosition.Parse(reader.GetString()!);
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A binlog position must be a JSON object {\"file\":...,\"offset\":...,\"row\":...} or a 'file:offset:row' string.");
        }

        string? file = null;
        long offset = -1;
        var row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "file": file = reader.GetString(); break;
                case "offset": offset = reader.GetInt64(); break;
                case "row": row = reader.GetInt32(); break;
                default: reader.Skip(); break;
            }
        }

        if (file is null || offset < 0)
        {
            throw new JsonException("A binlog position needs 'file' and a non-negative 'offset'.");
        }

        return new BinlogPosition(file, offset, row);
    }

    public override void Write(Utf8JsonWriter writer, BinlogPosition value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("file", value.FileName);
        writer.WriteNumber("offset", value.EventOffset);
        writer.WriteNumber("row", value.RowIndex);
        writer.WriteEndObject();
    }
}
