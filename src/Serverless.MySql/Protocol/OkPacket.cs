namespace Serverless.MySql.Protocol;

/// <summary>An OK packet (header 0x00, or 0xFE when it ends a result set under CLIENT_DEPRECATE_EOF).</summary>
public readonly record struct OkPacket(ulong AffectedRows, ulong LastInsertId, ServerStatusFlags Status, ushort Warnings)
{
    public static OkPacket Parse(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload, "OK packet");
        r.Skip(1);
        var affected = r.ReadLengthEncodedInteger();
        var insertId = r.ReadLengthEncodedInteger();
        var status = r.Remaining >= 2 ? (ServerStatusFlags)r.ReadUInt16() : ServerStatusFlags.None;
        var warnings = r.Remaining >= 2 ? r.ReadUInt16() : (ushort)0;
        return new OkPacket(affected, insertId, status, warnings);
    }

    /// <summary>Parses a pre-4.1-style EOF packet (0xFE, warnings, status), sent when CLIENT_DEPRECATE_EOF is off.</summary>
    public static OkPacket ParseEof(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload, "EOF packet");
        r.Skip(1);
        var warnings = r.Remaining >= 2 ? r.ReadUInt16() : (ushort)0;
        var status = r.Remaining >= 2 ? (ServerStatusFlags)r.ReadUInt16() : ServerStatusFlags.None;
        return new OkPacket(0, 0, status, warnings);
    }
}
