using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Serverless.MySql.Protocol;

namespace Serverless.MySql.Client;

/// <summary>
/// Streams the results of one COM_QUERY (text rows) or COM_STMT_EXECUTE (binary rows). Each <see cref="ReadAsync"/> moves to the next row; values are parsed
/// on request straight from the packet bytes (the row stays in the connection's receive buffer and is replaced by the
/// next read). Nothing is allocated per row unless a getter returns a new object (strings, byte arrays).
/// Several results (multi-statement, CALL) are walked with <see cref="NextResultAsync"/>.
/// </summary>
public sealed class MySqlResultReader : IAsyncDisposable
{
    private static readonly MySqlColumn[] NoColumns = [];

    private readonly MySqlConnection connection;
    private readonly PacketChannel channel;
    private readonly CancellationToken queryToken;
    private readonly bool deprecateEof;
    private MySqlColumn[] columns = NoColumns;

    // Binary rows: each column's field size (BinaryValueParser.FieldSize), set with the columns.
    private int[] binaryFieldSize = [];
    private int[] fieldStart = new int[16];
    private int[] fieldLength = new int[16];
    private ReadOnlyMemory<byte> row;

    // Set when a binary row was accepted without splitting it into fields (DeferBinaryFieldSplit): the first field
    // access splits it, and reports a malformed row then.
    private bool splitPending;
    private bool deferSplit;
    private State state;
    private bool moreResults;
    private TaskCompletionSource? killDone;

    internal MySqlResultReader(MySqlConnection connection, CancellationToken queryToken, bool binaryRows = false)
    {
        this.connection = connection;
        channel = connection.Channel;
        this.queryToken = queryToken;
        deprecateEof = (connection.Capabilities & CapabilityFlags.DeprecateEof) != 0;
        IsBinary = binaryRows;
    }

    private enum State
    {
        Rows,
        ResultEnd,
        Finished,
    }

    /// <summary>Columns of the current result; empty for a statement without a result set (INSERT, UPDATE...).</summary>
    public IReadOnlyList<MySqlColumn> Columns => columns;

    public int FieldCount => columns.Length;

    /// <summary>
    /// True for the rows of a prepared statement (binary protocol): <see cref="CurrentRow"/> and
    /// <see cref="GetRawBytes"/> then give integers and floating point numbers as little-endian bytes and temporals
    /// packed (see <see cref="BinaryValueParser"/>); the typed getters read either form.
    /// </summary>
    public bool IsBinary { get; }

    /// <summary>
    /// For decoders that walk binary rows themselves (<see cref="CurrentBinaryRow"/>): when set, a binary row is not
    /// checked and split into fields as it is read, only when <see cref="CurrentRow"/> or a field getter first needs
    /// it; a malformed row is then reported there, with the same error. The decoder must check the row's framing
    /// itself, or fall back to <see cref="CurrentRow"/>, which does. No effect on text rows.
    /// </summary>
    public bool DeferBinaryFieldSplit
    {
        get => deferSplit;
        set => deferSplit = value && IsBinary;
    }

    /// <summary>
    /// The current binary row's payload as received, unchecked: 0x00, a NULL bitmap of (FieldCount + 9) / 8 bytes (bit
    /// i + 2 for column i), then the non-NULL fields (see <see cref="BinaryValueParser.FieldSize"/>). Valid until the next read.
    /// </summary>
    public ReadOnlySpan<byte> CurrentBinaryRow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (state != State.Rows || row.IsEmpty || !IsBinary)
            {
                ThrowNoCurrentBinaryRow();
            }

            return row.Span;
        }
    }

    /// <summary>Rows affected by the current statement (valid once its OK packet arrived: after the last row).</summary>
    public ulong AffectedRows { get; private set; }

    public ulong LastInsertId { get; private set; }

    public int WarningCount { get; private set; }

    public ServerStatusFlags ServerStatus { get; private set; }

    /// <summary>Rows read so far in the current result.</summary>
    public long RowsRead { get; private set; }

    internal async Task ReadFirstResultAsync()
    {
        await ReadResultHeaderAsync().ConfigureAwait(false);
    }

    private async Task ReadResultHeaderAsync()
    {
        try
        {
            await ReadResultHeaderCoreAsync().ConfigureAwait(false);
        }
        catch (MySqlException e) when (CancelStarted)
        {
            // The statement was killed (or the connection aborted) because the caller cancelled: report the cancellation.
            Finish();
            await KillCompletion.ConfigureAwait(false);

            throw new OperationCanceledException($"The query was cancelled ({e.Message}).", e, queryToken);
        }

        if (CancelStarted)
        {
            // Killed statements may still end normally (SLEEP returns 1): the caller cancelled, so say so.
            await CancelAndDrainAsync(queryToken).ConfigureAwait(false);
        }
    }

    private async Task ReadResultHeaderCoreAsync()
    {
        RowsRead = 0;
        columns = NoColumns;
        var payload = await NextPayloadAsync(CancellationToken.None).ConfigureAwait(false);
        var first = payload.Span[0];
        if (first == 0x00)
        {
            ApplyOk(OkPacket.Parse(payload.Span));
            return;
        }

        if (first == ErrorPacket.Header)
        {
            Finish();
            throw ErrorPacket.ToException(payload.Span);
        }

        if (first == 0xFB)
        {
            // LOCAL INFILE request: this client never enables it; an empty packet declines and the server answers with ERR/OK.
            var w = new PayloadWriter(8);
            await channel.WritePayloadAsync(w, CancellationToken.None).ConfigureAwait(false);
            var answer = await NextPayloadAsync(CancellationToken.None).ConfigureAwait(false);
            Finish();
            throw answer.Span[0] == ErrorPacket.Header
                ? ErrorPacket.ToException(answer.Span)
                : MySqlException.Protocol("the server requested LOAD DATA LOCAL INFILE, which this client does not allow");
        }

        var r = new PayloadReader(payload.Span, "result set header");
        var count = r.ReadLengthEncodedInteger();
        if (count is 0 or > ushort.MaxValue)
        {
            Finish();
            throw MySqlException.Protocol($"result set declares {count} columns");
        }

        var defs = new MySqlColumn[(int)count];
        for (var i = 0; i < defs.Length; i++)
        {
            var def = await NextPayloadAsync(CancellationToken.None).ConfigureAwait(false);
            defs[i] = MySqlColumn.Parse(def.Span);
        }

        if (!deprecateEof)
        {
            await NextPayloadAsync(CancellationToken.None).ConfigureAwait(false);
        }

        columns = defs;
        splitPending = false;
        if (fieldStart.Length < defs.Length)
        {
            fieldStart = new int[defs.Length];
            fieldLength = new int[defs.Length];
        }

        if (IsBinary)
        {
            binaryFieldSize = defs.Select(c => BinaryValueParser.FieldSize(c.Type)).ToArray();
        }

        state = State.Rows;
    }

    private void ApplyOk(OkPacket ok)
    {
        AffectedRows = ok.AffectedRows;
        LastInsertId = ok.LastInsertId;
        WarningCount = ok.Warnings;
        ServerStatus = ok.Status;
        moreResults = (ok.Status & ServerStatusFlags.MoreResultsExist) != 0;
        state = State.ResultEnd;
        if (!moreResults)
        {
            Finish();
        }
    }

    private void Finish()
    {
        state = State.Finished;
        connection.ReaderFinished(this);
    }

    /// <summary>Moves to the next row of the current result; false at its end.</summary>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (state != State.Rows)
        {
            return new ValueTask<bool>(false);
        }

        if (cancellationToken.IsCancellationRequested || queryToken.IsCancellationRequested || CancelStarted)
        {
            return CancelAndDrainAsync(cancellationToken.IsCancellationRequested ? cancellationToken : queryToken);
        }

        if (channel.TryReadBuffered(out var payload))
        {
            return payload.IsEmpty
                ? ValueTask.FromException<bool>(MySqlException.Protocol("empty packet in a result set"))
                : new ValueTask<bool>(AcceptRow(payload));
        }

        return ReadSlowAsync(cancellationToken);
    }

    /// <summary>
    /// Moves to the next row when it is already received, without I/O or awaiting: true = on a row; false = call
    /// <see cref="ReadAsync"/> (which waits for data, or reports the end). A tight loop over this method is the fastest way to stream.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadBufferedRow()
    {
        if (state != State.Rows || CancelStarted || queryToken.IsCancellationRequested)
        {
            return false;
        }

        if (!channel.TryReadBuffered(out var payload))
        {
            return false;
        }

        if (payload.IsEmpty)
        {
            throw MySqlException.Protocol("empty packet in a result set");
        }

        if (deferSplit && payload.Span[0] == 0x00)
        {
            // A binary row (OK, EOF and ERR packets start otherwise), left unsplit: what AcceptRow would do, without its calls.
            row = payload;
            splitPending = true;
            RowsRead++;
            return true;
        }

        return AcceptRow(payload);
    }

    // Pooled: this runs once per network read on the streaming path; pooling keeps it allocation-free.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadSlowAsync(CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> payload;
        try
        {
            payload = await NextPayloadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException) when (CancelStarted)
        {
            throw new OperationCanceledException("The query was cancelled; the connection was closed because the server did not stop in time.", cancellationToken.IsCancellationRequested ? cancellationToken : queryToken);
        }

        if (CancelStarted)
        {
            return await CancelAndDrainAsync(cancellationToken.IsCancellationRequested ? cancellationToken : queryToken, payload).ConfigureAwait(false);
        }

        return AcceptRow(payload);
    }

    /// <summary>Reads a payload; while waiting on the network, a cancellation of either token triggers KILL QUERY.</summary>
    // Pooled: this runs once per network read on the streaming path; pooling keeps it allocation-free.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<byte>> NextPayloadAsync(CancellationToken cancellationToken)
    {
        if (channel.TryReadBuffered(out var buffered))
        {
            return buffered.IsEmpty ? throw MySqlException.Protocol("empty packet in a query response") : buffered;
        }

        using var a = queryToken.CanBeCanceled ? queryToken.UnsafeRegister(static s => ((MySqlResultReader)s!).StartCancel(), this) : default;
        using var b = cancellationToken.CanBeCanceled ? cancellationToken.UnsafeRegister(static s => ((MySqlResultReader)s!).StartCancel(), this) : default;
        try
        {
            var payload = await channel.ReadPayloadAsync(CancellationToken.None).ConfigureAwait(false);
            if (payload.IsEmpty)
            {
                throw MySqlException.Protocol("empty packet in a query response");
            }

            return payload;
        }
        catch (MySqlException e) when (e.ConnectionBroken)
        {
            Finish();
            throw;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AcceptRow(ReadOnlyMemory<byte> payload)
    {
        var span = payload.Span;
        var first = span[0];
        if (first == 0xFE && span.Length < PacketChannel.MaxPacketPayload)
        {
            ApplyOk(deprecateEof ? OkPacket.Parse(span) : OkPacket.ParseEof(span));
            return false;
        }

        if (first == ErrorPacket.Header)
        {
            Finish();
            throw ErrorPacket.ToException(span);
        }

        if (IsBinary)
        {
            return AcceptBinaryRow(payload);
        }

        splitPending = false;

        var pos = 0;
        var starts = fieldStart;
        var lengths = fieldLength;
        for (var i = 0; i < columns.Length; i++)
        {
            if ((uint)pos >= (uint)span.Length)
            {
                throw RowTruncated(i, span.Length);
            }

            var b = span[pos];
            if (b < 0xFB)
            {
                starts[i] = pos + 1;
                lengths[i] = b;
                pos += 1 + b;
            }
            else if (b == LengthEncoding.NullMarker)
            {
                starts[i] = pos + 1;
                lengths[i] = -1;
                pos++;
            }
            else
            {
                pos = LongField(span, pos, i, RowsRead + 1);
            }
        }

        if (pos != span.Length)
        {
            throw RowTruncated(columns.Length, span.Length);
        }

        row = payload;
        RowsRead++;
        return true;
    }

    /// <summary>
    /// A binary row: 0x00, a NULL bitmap (bit i + 2 for column i), then the non-NULL fields: fixed-size integers and
    /// floating point numbers, temporals after a length byte, the rest length-encoded.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AcceptBinaryRow(ReadOnlyMemory<byte> payload)
    {
        if (deferSplit)
        {
            row = payload;
            splitPending = true;
            RowsRead++;
            return true;
        }

        SplitBinaryRow(payload.Span, RowsRead + 1);
        splitPending = false;
        row = payload;
        RowsRead++;
        return true;
    }

    /// <summary>The deferred split of the current row (<see cref="DeferBinaryFieldSplit"/>), on first field access.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SplitPendingRow()
    {
        splitPending = false;
        SplitBinaryRow(row.Span, RowsRead);
    }

    /// <summary>Records the start and length of each field of binary row number <paramref name="rowNumber"/>; throws when the bytes do not frame the columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SplitBinaryRow(ReadOnlySpan<byte> span, long rowNumber)
    {
        if (span[0] != 0x00)
        {
            throw RowTruncated(0, span.Length, rowNumber);
        }

        var n = columns.Length;
        var pos = BinaryRowLayout.FieldsStart(n);
        var starts = fieldStart;
        var lengths = fieldLength;
        var sizes = binaryFieldSize;
        for (var i = 0; i < n; i++)
        {
            if ((uint)pos > (uint)span.Length)
            {
                throw RowTruncated(i, span.Length, rowNumber);
            }

            if (BinaryRowLayout.IsNull(span, i))
            {
                starts[i] = pos;
                lengths[i] = -1;
                continue;
            }

            if (!BinaryRowLayout.TryFrameField(span, pos, sizes[i], out var start, out var length))
            {
                throw RowTruncated(i, span.Length, rowNumber);
            }

            starts[i] = start;
            lengths[i] = length;
            pos = start + length;
        }

        if (pos != span.Length)
        {
            throw RowTruncated(n, span.Length, rowNumber);
        }
    }

    /// <summary>A text field of 251 bytes or more (a length-encoded length) at <paramref name="pos"/>: records it and returns where the next one starts.</summary>
    private int LongField(ReadOnlySpan<byte> span, int pos, int column, long rowNumber)
    {
        if (!BinaryRowLayout.TryFrameField(span, pos, -1, out var start, out var length))
        {
            throw RowTruncated(column, span.Length, rowNumber);
        }

        fieldStart[column] = start;
        fieldLength[column] = length;
        return start + length;
    }

    private MySqlException RowTruncated(int column, int length) => RowTruncated(column, length, RowsRead + 1);

    private MySqlException RowTruncated(int column, int length, long rowNumber)
    {
        Finish();
        channel.Abort();
        return MySqlException.Protocol($"row {rowNumber} ({length} bytes) does not match its {columns.Length} columns (at column {column})");
    }

    /// <summary>Skips the rest of the current result and moves to the next one; false when there is none.</summary>
    public async ValueTask<bool> NextResultAsync(CancellationToken cancellationToken = default)
    {
        while (state == State.Rows)
        {
            await ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        if (state == State.ResultEnd && moreResults)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await ReadResultHeaderAsync().ConfigureAwait(false);
            return true;
        }

        Finish();
        return false;
    }

    /// <summary>True once a cancellation sent (or is sending) KILL QUERY; from then on the result is drained, not returned.</summary>
    private bool CancelStarted => Volatile.Read(ref killDone) is not null;

    private void StartCancel()
    {
        // Published before the kill starts, so every reader that sees the cancellation can also wait for the kill.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref killDone, done, null) is not null)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await connection.KillRunningQueryAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is MySqlException or OperationCanceledException or IOException)
            {
                connection.Logger.LogWarning(e, "KILL QUERY for connection {ConnectionId} to {Source} failed; closing the connection instead", connection.ConnectionId, connection.Options.Name);
                channel.Abort();
            }
            finally
            {
                done.SetResult();
            }
        });
    }

    /// <summary>Waits until KILL QUERY was delivered, so that it cannot hit this connection's next statement.</summary>
    private Task KillCompletion => Volatile.Read(ref killDone)?.Task ?? Task.CompletedTask;

    private async ValueTask<bool> CancelAndDrainAsync(CancellationToken token, ReadOnlyMemory<byte>? pending = null)
    {
        StartCancel();
        try
        {
            var payload = pending;
            while (state != State.Finished)
            {
                payload ??= await NextPayloadAsync(CancellationToken.None).ConfigureAwait(false);
                var span = payload.Value.Span;
                payload = null;
                if (state == State.Rows)
                {
                    if (span[0] == ErrorPacket.Header)
                    {
                        Finish();
                    }
                    else if (span[0] == 0xFE && span.Length < PacketChannel.MaxPacketPayload)
                    {
                        ApplyOk(deprecateEof ? OkPacket.Parse(span) : OkPacket.ParseEof(span));
                    }
                }
                else if (state == State.ResultEnd && moreResults)
                {
                    // Another result follows: read its header (columns) and keep skipping.
                    await ReadNextHeaderWhileCancellingAsync(span.ToArray()).ConfigureAwait(false);
                }
            }
        }
        catch (MySqlException)
        {
            // Cancelled: errors while draining (the interruption itself, or a broken connection) are the expected outcome.
        }

        await KillCompletion.ConfigureAwait(false);

        throw new OperationCanceledException("The query was cancelled (KILL QUERY sent to the server).", token);
    }

    private Task ReadNextHeaderWhileCancellingAsync(byte[] header)
    {
        // The header packet was already consumed; interpret it without another read.
        var first = header[0];
        if (first == 0x00)
        {
            ApplyOk(OkPacket.Parse(header));
            return Task.CompletedTask;
        }

        if (first == ErrorPacket.Header)
        {
            Finish();
            return Task.CompletedTask;
        }

        return SkipColumnsAsync(header);
    }

    private async Task SkipColumnsAsync(byte[] header)
    {
        var count = LengthEncoding.ReadInteger(header, out var columnCount) > 0 ? columnCount : 0;
        for (ulong i = 0; i < count + (deprecateEof ? 0UL : 1UL); i++)
        {
            await NextPayloadAsync(CancellationToken.None).ConfigureAwait(false);
        }

        state = State.Rows;
    }

    // ---- values of the current row ----

    public bool IsDBNull(int ordinal) => fieldLength[CheckOrdinal(ordinal)] < 0;

    /// <summary>The current row's fields as byte ranges (see <see cref="MySqlRawRow"/>).</summary>
    public MySqlRawRow CurrentRow
    {
        // Inlined into the snapshot's per-row loop (AggressiveOptimization), which takes it once per row.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            EnsureRow();
            return new MySqlRawRow(row.Span, fieldStart.AsSpan(0, columns.Length), fieldLength.AsSpan(0, columns.Length));
        }
    }

    /// <summary>The field's bytes as sent (text rendering, or raw bytes for binary columns). Valid until the next read.</summary>
    public ReadOnlySpan<byte> GetRawBytes(int ordinal)
    {
        var length = fieldLength[CheckOrdinal(ordinal)];
        if (length < 0)
        {
            throw NullValue(ordinal);
        }

        return row.Span.Slice(fieldStart[ordinal], length);
    }

    /// <summary>The field's bytes as memory (same lifetime as <see cref="GetRawBytes"/>), or empty for NULL.</summary>
    public ReadOnlyMemory<byte> GetRawMemory(int ordinal)
    {
        var length = fieldLength[CheckOrdinal(ordinal)];
        return length < 0 ? ReadOnlyMemory<byte>.Empty : row.Slice(fieldStart[ordinal], length);
    }

    public long GetInt64(int ordinal)
    {
        var text = GetRawBytes(ordinal);
        if (IsBinaryNumber(ordinal, out var binary))
        {
            return BinaryValueParser.TryReadInt64(text, binary.IsUnsigned, out var n) ? n : throw Invalid(ordinal, "a signed 64-bit integer");
        }

        if (columns[ordinal].Type == ColumnType.Bit)
        {
            return TextValueParser.TryParseBit(text, out var bits) ? (long)bits : throw Invalid(ordinal, "a 64-bit BIT value");
        }

        return TextValueParser.TryParseInt64(text, out var v) ? v : throw Invalid(ordinal, "a signed 64-bit integer");
    }

    public ulong GetUInt64(int ordinal)
    {
        var text = GetRawBytes(ordinal);
        if (IsBinaryNumber(ordinal, out var binary))
        {
            return BinaryValueParser.TryReadUInt64(text, binary.IsUnsigned, out var n) ? n : throw Invalid(ordinal, "an unsigned 64-bit integer");
        }

        if (columns[ordinal].Type == ColumnType.Bit)
        {
            return TextValueParser.TryParseBit(text, out var bits) ? bits : throw Invalid(ordinal, "a 64-bit BIT value");
        }

        return TextValueParser.TryParseUInt64(text, out var v) ? v : throw Invalid(ordinal, "an unsigned 64-bit integer");
    }

    public int GetInt32(int ordinal)
    {
        var v = GetInt64(ordinal);
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw Invalid(ordinal, "a 32-bit integer");
    }

    public uint GetUInt32(int ordinal)
    {
        var v = GetUInt64(ordinal);
        return v <= uint.MaxValue ? (uint)v : throw Invalid(ordinal, "an unsigned 32-bit integer");
    }

    public short GetInt16(int ordinal)
    {
        var v = GetInt64(ordinal);
        return v is >= short.MinValue and <= short.MaxValue ? (short)v : throw Invalid(ordinal, "a 16-bit integer");
    }

    public ushort GetUInt16(int ordinal)
    {
        var v = GetUInt64(ordinal);
        return v <= ushort.MaxValue ? (ushort)v : throw Invalid(ordinal, "an unsigned 16-bit integer");
    }

    public sbyte GetSByte(int ordinal)
    {
        var v = GetInt64(ordinal);
        return v is >= sbyte.MinValue and <= sbyte.MaxValue ? (sbyte)v : throw Invalid(ordinal, "an 8-bit integer");
    }

    public byte GetByte(int ordinal)
    {
        var v = GetUInt64(ordinal);
        return v <= byte.MaxValue ? (byte)v : throw Invalid(ordinal, "an unsigned 8-bit integer");
    }

    public bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;

    /// <summary>BIT(n) as an unsigned integer (bit 0 = least significant).</summary>
    public ulong GetBit(int ordinal) =>
        TextValueParser.TryParseBit(GetRawBytes(ordinal), out var v) ? v : throw Invalid(ordinal, "a BIT value of at most 64 bits");

    /// <summary>YEAR (0 for the zero year '0000').</summary>
    public int GetYear(int ordinal) => GetInt32(ordinal);

    public double GetDouble(int ordinal)
    {
        var raw = GetRawBytes(ordinal);
        if (IsBinary && columns[ordinal].Type is ColumnType.Float or ColumnType.Double)
        {
            return BinaryValueParser.TryReadDouble(raw, out var binary) ? binary : throw Invalid(ordinal, "a double");
        }

        if (IsBinaryNumber(ordinal, out var integer))
        {
            return integer.IsUnsigned ? GetUInt64(ordinal) : GetInt64(ordinal);
        }

        return TextValueParser.TryParseDouble(raw, out var v) ? v : throw Invalid(ordinal, "a double");
    }

    public float GetFloat(int ordinal)
    {
        if (IsBinary && columns[ordinal].Type is ColumnType.Float or ColumnType.Double || IsBinaryNumber(ordinal, out _))
        {
            return (float)GetDouble(ordinal);
        }

        return TextValueParser.TryParseSingle(GetRawBytes(ordinal), out var v) ? v : throw Invalid(ordinal, "a float");
    }

    /// <summary>DECIMAL as System.Decimal; throws when the value has more digits than System.Decimal holds (use <see cref="GetMySqlDecimal"/>).</summary>
    public decimal GetDecimal(int ordinal)
    {
        if (IsBinaryNumber(ordinal, out var integer))
        {
            return integer.IsUnsigned ? GetUInt64(ordinal) : GetInt64(ordinal);
        }

        return TextValueParser.TryParseDecimal(GetRawBytes(ordinal), out var v) ? v : throw Invalid(ordinal, "a System.Decimal (at most 28-29 significant digits; use GetMySqlDecimal for up to 65)");
    }

    /// <summary>DECIMAL of up to 65 digits, exactly.</summary>
    public MySqlDecimal GetMySqlDecimal(int ordinal)
    {
        try
        {
            return MySqlDecimal.Parse(GetRawBytes(ordinal));
        }
        catch (FormatException e)
        {
            throw Invalid(ordinal, "a DECIMAL", e);
        }
    }

    /// <summary>DECIMAL of up to 38 digits as unscaled 128-bit integer and scale, without allocating (Parquet DECIMAL).</summary>
    public bool TryGetUnscaledDecimal(int ordinal, out Int128 unscaled, out int scale) =>
        TextValueParser.TryParseUnscaled(GetRawBytes(ordinal), out unscaled, out scale);

    /// <summary>DATE, DATETIME or TIMESTAMP, zero dates included.</summary>
    public MySqlDateTime GetMySqlDateTime(int ordinal)
    {
        var raw = GetRawBytes(ordinal);
        if (IsBinary && BinaryValueParser.IsDateTime(columns[ordinal].Type))
        {
            return BinaryValueParser.TryReadDateTime(raw, out var binary) ? binary : throw Invalid(ordinal, "a DATE/DATETIME");
        }

        return TextValueParser.TryParseDateTime(raw, out var v) ? v : throw Invalid(ordinal, "a DATE/DATETIME");
    }

    /// <summary>DATETIME/TIMESTAMP/DATE as System.DateTime (Unspecified kind); throws for zero dates.</summary>
    public DateTime GetDateTime(int ordinal) => GetMySqlDateTime(ordinal).ToDateTime();

    /// <summary>TIME as a TimeSpan (may be negative or exceed 24 hours: -838:59:59 to 838:59:59).</summary>
    public TimeSpan GetTimeSpan(int ordinal)
    {
        var raw = GetRawBytes(ordinal);
        if (IsBinary && BinaryValueParser.IsTime(columns[ordinal].Type))
        {
            return BinaryValueParser.TryReadTime(raw, out var binary) ? binary : throw Invalid(ordinal, "a TIME");
        }

        return TextValueParser.TryParseTime(raw, out var v) ? v : throw Invalid(ordinal, "a TIME");
    }

    /// <summary>Text decoded with the column's character set (ENUM, SET and JSON are text too).</summary>
    public string GetString(int ordinal) => columns[ordinal].Encoding.GetString(GetTextBytes(ordinal));

    /// <summary>Decodes text into <paramref name="destination"/>; returns chars written (see <see cref="GetMaxCharCount"/>).</summary>
    public int GetChars(int ordinal, Span<char> destination) => columns[ordinal].Encoding.GetChars(GetTextBytes(ordinal), destination);

    /// <summary>The field's bytes when they are text: always in the text protocol; in binary rows not for numbers and temporals.</summary>
    private ReadOnlySpan<byte> GetTextBytes(int ordinal)
    {
        var raw = GetRawBytes(ordinal);
        if (IsBinary && BinaryValueParser.FieldSize(columns[ordinal].Type) >= 0)
        {
            throw new InvalidCastException(
                $"Column {ordinal} '{columns[ordinal].Name}' ({columns[ordinal].Type}) arrives in binary form from a prepared statement; " +
                "read it with its typed getter (GetInt64, GetDouble, GetMySqlDateTime, GetTimeSpan) or GetValue, or run the statement as a query for text.");
        }

        return raw;
    }

    /// <summary>True when the field is a binary-protocol integer (<paramref name="column"/> says whether it is unsigned).</summary>
    private bool IsBinaryNumber(int ordinal, out MySqlColumn column)
    {
        column = columns[ordinal];
        return IsBinary && BinaryValueParser.IsInteger(column.Type);
    }

    public int GetMaxCharCount(int ordinal) => columns[ordinal].Encoding.GetMaxCharCount(Math.Max(0, fieldLength[CheckOrdinal(ordinal)]));

    /// <summary>The value's bytes as a new array (BINARY, BLOB...).</summary>
    public byte[] GetBytes(int ordinal) => GetRawBytes(ordinal).ToArray();

    /// <summary>GEOMETRY: SRID and WKB (copied).</summary>
    public MySqlGeometry GetGeometry(int ordinal) => MySqlGeometry.FromInternal(GetRawBytes(ordinal));

    /// <summary>GEOMETRY's WKB without copying; <paramref name="srid"/> receives the SRID.</summary>
    public ReadOnlySpan<byte> GetGeometryWkb(int ordinal, out uint srid)
    {
        var raw = GetRawBytes(ordinal);
        if (raw.Length < 4)
        {
            throw Invalid(ordinal, "a GEOMETRY (SRID + WKB)");
        }

        srid = BinaryPrimitives.ReadUInt32LittleEndian(raw);
        return raw[4..];
    }

    /// <summary>The value as a natural .NET object (boxing; for tools and tests, not hot paths). NULL → null.</summary>
    public object? GetValue(int ordinal)
    {
        if (IsDBNull(ordinal))
        {
            return null;
        }

        var c = columns[ordinal];
        return c.Type switch
        {
            ColumnType.Tiny or ColumnType.Short or ColumnType.Int24 or ColumnType.Long or ColumnType.LongLong =>
                c.IsUnsigned ? GetUInt64(ordinal) : GetInt64(ordinal),
            ColumnType.Year => GetInt32(ordinal),
            ColumnType.Bit => GetBit(ordinal),
            ColumnType.Float => GetFloat(ordinal),
            ColumnType.Double => GetDouble(ordinal),
            ColumnType.Decimal or ColumnType.NewDecimal => GetMySqlDecimal(ordinal),
            ColumnType.Date or ColumnType.NewDate or ColumnType.DateTime or ColumnType.DateTime2 or ColumnType.Timestamp or ColumnType.Timestamp2 =>
                GetMySqlDateTime(ordinal),
            ColumnType.Time or ColumnType.Time2 => GetTimeSpan(ordinal),
            ColumnType.Geometry => GetGeometry(ordinal),
            _ => c.IsBinary ? GetBytes(ordinal) : GetString(ordinal),
        };
    }

    private int CheckOrdinal(int ordinal)
    {
        if ((uint)ordinal >= (uint)columns.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"The result has {columns.Length} columns.");
        }

        EnsureRow();
        return ordinal;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureRow()
    {
        if (state != State.Rows || row.IsEmpty)
        {
            ThrowNoCurrentRow();
        }

        if (splitPending)
        {
            SplitPendingRow();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNoCurrentRow() =>
        throw new InvalidOperationException("No current row: call ReadAsync first and check that it returned true.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowNoCurrentBinaryRow()
    {
        if (!IsBinary)
        {
            throw new InvalidOperationException("CurrentBinaryRow is for the rows of a prepared statement; this result has text rows: use CurrentRow.");
        }

        ThrowNoCurrentRow();
    }

    private InvalidCastException NullValue(int ordinal) =>
        new($"Column {ordinal} '{columns[ordinal].Name}' is NULL in row {RowsRead}; check IsDBNull first.");

    private MySqlException Invalid(int ordinal, string what, Exception? inner = null)
    {
        var raw = GetRawBytes(ordinal);
        var shown = IsBinary && BinaryValueParser.FieldSize(columns[ordinal].Type) >= 0
            ? "0x" + Convert.ToHexString(raw[..Math.Min(raw.Length, 64)])
            : Encoding.UTF8.GetString(raw[..Math.Min(raw.Length, 64)]);
        return new MySqlException(
            MySqlErrorKind.InvalidCast,
            $"Column {ordinal} '{columns[ordinal].Name}' ({columns[ordinal].Type}) in row {RowsRead} holds '{shown}', which is not {what}.",
            inner);
    }

    /// <summary>Skips any unread rows and results so the connection can run the next command.</summary>
    public async ValueTask DisposeAsync()
    {
        if (state == State.Finished || channel.IsBroken)
        {
            Finish();
            return;
        }

        try
        {
            while (await NextResultAsync().ConfigureAwait(false))
            {
            }
        }
        finally
        {
            Finish();
        }
    }
}
