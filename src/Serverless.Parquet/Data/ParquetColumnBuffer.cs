using System.Runtime.CompilerServices;
using System.Text;

namespace Serverless.Parquet;

/// <summary>
/// The values of one column for a run of rows, stored by physical type without boxing: a dense array of
/// bool/int/long/float/double (one slot per row, the slot of a null row holds 0), or for byte arrays (BYTE_ARRAY,
/// FIXED_LEN_BYTE_ARRAY, INT96) one contiguous byte array plus row offsets. Nulls are a per-row flag.
/// Representation by logical type: DATE = int days since 1970-01-01; TIMESTAMP/TIME = long in the column's unit
/// (MICROS when written by us); DECIMAL = the unscaled integer (int, long, or big-endian two's complement bytes);
/// STRING/JSON = UTF-8 bytes.
/// </summary>
public sealed class ParquetColumnBuffer
{
    private bool[]? _nulls;
    private bool[] _bools = [];
    private int[] _ints = [];
    private long[] _longs = [];
    private float[] _floats = [];
    private double[] _doubles = [];
    private byte[] _bytes = [];
    private int[] _offsets = [0];
    private int _capacity;
    private int _byteLength;

    // Ranges [start, end) appended by AppendRepeated, in row order: the writer encodes such a range as one value.
    private int[] _runStarts = [];
    private int[] _runEnds = [];
    private int _runCount;

    // DECIMAL columns: the scale and the exclusive bound 10^precision of the unscaled value (the 64-bit form is 0 for
    // decimals stored as bytes).
    private readonly ParquetPhysicalType _physicalType;
    private readonly int _decimalScale;
    private readonly Int128 _decimalLimit;
    private readonly long _decimalLimit64;

    public ParquetColumnBuffer(ParquetColumn column, int capacity = 1024)
    {
        ArgumentNullException.ThrowIfNull(column);
        Column = column;
        _physicalType = column.PhysicalType;
        if (column.IsDecimal)
        {
            _decimalScale = column.LogicalType!.Scale;
            _decimalLimit = Pow10(column.LogicalType.Precision);
            _decimalLimit64 = column.PhysicalType is ParquetPhysicalType.Int32 or ParquetPhysicalType.Int64 ? (long)_decimalLimit : 0;
        }

        EnsureCapacity(Math.Max(1, capacity));
    }

    public ParquetColumn Column { get; }

    public int Count { get; private set; }

    public int NullCount { get; private set; }

    public ReadOnlySpan<bool> BooleanValues => _bools.AsSpan(0, Count);

    public ReadOnlySpan<int> Int32Values => _ints.AsSpan(0, Count);

    public ReadOnlySpan<long> Int64Values => _longs.AsSpan(0, Count);

    public ReadOnlySpan<float> FloatValues => _floats.AsSpan(0, Count);

    public ReadOnlySpan<double> DoubleValues => _doubles.AsSpan(0, Count);

    /// <summary>All byte-array values back to back; value i is <c>ByteData[ByteOffsets[i]..ByteOffsets[i + 1]]</c>.</summary>
    public ReadOnlySpan<byte> ByteData => _bytes.AsSpan(0, _byteLength);

    /// <summary>Count + 1 offsets into <see cref="ByteData"/>.</summary>
    public ReadOnlySpan<int> ByteOffsets => HoldsBytes ? _offsets.AsSpan(0, Count + 1) : new int[Count + 1];

    /// <summary>Per-row null flags, or an empty span when no value is null.</summary>
    public ReadOnlySpan<bool> Nulls => _nulls is null || NullCount == 0 ? default : _nulls.AsSpan(0, Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsNull(int index) => _nulls is not null && _nulls[index];

    public ReadOnlySpan<byte> GetBytes(int index) => _bytes.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index]);

    public string GetString(int index) => Encoding.UTF8.GetString(GetBytes(index));

    public ParquetDecimal GetDecimal(int index)
    {
        var scale = Column.LogicalType?.Scale ?? 0;
        return Column.PhysicalType switch
        {
            ParquetPhysicalType.Int32 => new ParquetDecimal(_ints[index], scale),
            ParquetPhysicalType.Int64 => new ParquetDecimal(_longs[index], scale),
            _ => new ParquetDecimal(ParquetDecimal.ReadBigEndian(GetBytes(index)), scale),
        };
    }

    /// <summary>The value of row <paramref name="index"/> as a CLR object (see <see cref="ParquetValues"/>); boxes.</summary>
    public object? GetValue(int index) => ParquetValues.ToClr(this, index);

    public void Clear()
    {
        Count = 0;
        NullCount = 0;
        _byteLength = 0;
        _runCount = 0;
        if (_nulls is not null)
        {
            Array.Clear(_nulls);
        }
    }

    public void AppendNull()
    {
        if (Column.IsRequired)
        {
            throw new ArgumentException($"Column '{Column.Name}' is required and cannot hold null.");
        }

        EnsureCapacity(Count + 1);
        _nulls ??= new bool[_capacity];
        _nulls[Count] = true;
        NullCount++;
        switch (Column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean: _bools[Count] = false; break;
            case ParquetPhysicalType.Int32: _ints[Count] = 0; break;
            case ParquetPhysicalType.Int64: _longs[Count] = 0; break;
            case ParquetPhysicalType.Float: _floats[Count] = 0; break;
            case ParquetPhysicalType.Double: _doubles[Count] = 0; break;
            default: _offsets[Count + 1] = _byteLength; break;
        }

        Count++;
    }

    public void Append(bool value)
    {
        Expect(ParquetPhysicalType.Boolean);
        EnsureCapacity(Count + 1);
        _bools[Count++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(int value)
    {
        if (_physicalType == ParquetPhysicalType.Int64)
        {
            Append((long)value);
            return;
        }

        Expect(ParquetPhysicalType.Int32);
        EnsureCapacity(Count + 1);
        _ints[Count++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(long value)
    {
        Expect(ParquetPhysicalType.Int64);
        EnsureCapacity(Count + 1);
        _longs[Count++] = value;
    }

    public void Append(float value)
    {
        Expect(ParquetPhysicalType.Float);
        EnsureCapacity(Count + 1);
        _floats[Count++] = value;
    }

    public void Append(double value)
    {
        Expect(ParquetPhysicalType.Double);
        EnsureCapacity(Count + 1);
        _doubles[Count++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(ReadOnlySpan<byte> value)
    {
        if (_physicalType is not (ParquetPhysicalType.ByteArray or ParquetPhysicalType.FixedLenByteArray or ParquetPhysicalType.Int96))
        {
            Expect(ParquetPhysicalType.ByteArray);
        }

        if (_physicalType != ParquetPhysicalType.ByteArray && value.Length != FixedLength)
        {
            throw new ArgumentException($"Column '{Column.Name}' holds {FixedLength}-byte values, got {value.Length} bytes.");
        }

        EnsureCapacity(Count + 1);
        EnsureBytes(value.Length);
        value.CopyTo(_bytes.AsSpan(_byteLength));
        _byteLength += value.Length;
        _offsets[++Count] = _byteLength;
    }

    /// <summary>
    /// Room for <paramref name="count"/> more values, so that the <c>AppendReserved</c> overloads that follow need no
    /// capacity check each (a decoder that fills a batch reserves it once). Byte-array data grows as it is appended.
    /// </summary>
    public void Reserve(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        EnsureCapacity(Count + count);
    }

    /// <summary>
    /// <see cref="Append(int)"/> into room made by <see cref="Reserve"/>: no capacity check, only the type check and the
    /// array's own bounds check (appending past the reserved room throws instead of growing).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendReserved(int value)
    {
        if (_physicalType == ParquetPhysicalType.Int64)
        {
            AppendReserved((long)value);
            return;
        }

        Expect(ParquetPhysicalType.Int32);
        _ints[Count] = value;
        Count++;
    }

    /// <summary><see cref="Append(long)"/> into room made by <see cref="Reserve"/> (see <see cref="AppendReserved(int)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendReserved(long value)
    {
        Expect(ParquetPhysicalType.Int64);
        _longs[Count] = value;
        Count++;
    }

    /// <summary>Appends text as UTF-8 (STRING, JSON and ENUM columns).</summary>
    public void Append(ReadOnlySpan<char> value)
    {
        Expect(ParquetPhysicalType.ByteArray);
        EnsureCapacity(Count + 1);
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        EnsureBytes(max);
        _byteLength += Encoding.UTF8.GetBytes(value, _bytes.AsSpan(_byteLength));
        _offsets[++Count] = _byteLength;
    }

    public void Append(string? value)
    {
        if (value is null)
        {
            AppendNull();
        }
        else
        {
            Append(value.AsSpan());
        }
    }

    /// <summary>Appends a decimal, rescaled to the column's scale (throws if digits would be lost).</summary>
    public void Append(ParquetDecimal value)
    {
        if (!Column.IsDecimal)
        {
            throw new ArgumentException($"Column '{Column.Name}' ({Column}) is not a DECIMAL column.");
        }

        var unscaled = value.Rescale(_decimalScale).Unscaled;
        if (unscaled >= _decimalLimit || unscaled <= -_decimalLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(value), $"{value} does not fit column '{Column.Name}' {Column.LogicalType}.");
        }

        switch (Column.PhysicalType)
        {
            case ParquetPhysicalType.Int32: Append((int)unscaled); break;
            case ParquetPhysicalType.Int64: Append((long)unscaled); break;
            default:
                {
                    Span<byte> tmp = stackalloc byte[FixedLength > 0 ? FixedLength : 16];
                    ParquetDecimal.WriteBigEndian(unscaled, tmp);
                    Append((ReadOnlySpan<byte>)tmp);
                    break;
                }
        }
    }

    /// <summary>
    /// Appends the decimal <paramref name="unscaled"/> × 10^-<paramref name="scale"/>: the fast path when the scale is
    /// the column's and the column stores INT32/INT64 (precision up to 18), else as <see cref="Append(ParquetDecimal)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AppendDecimal(long unscaled, int scale)
    {
        if (scale == _decimalScale && unscaled < _decimalLimit64 && unscaled > -_decimalLimit64)
        {
            if (Column.PhysicalType == ParquetPhysicalType.Int64)
            {
                Append(unscaled);
            }
            else
            {
                Append((int)unscaled);
            }

            return;
        }

        Append(new ParquetDecimal(unscaled, scale));
    }

    public void AppendRange(ReadOnlySpan<int> values)
    {
        Expect(ParquetPhysicalType.Int32);
        EnsureCapacity(Count + values.Length);
        values.CopyTo(_ints.AsSpan(Count));
        Count += values.Length;
    }

    public void AppendRange(ReadOnlySpan<long> values)
    {
        Expect(ParquetPhysicalType.Int64);
        EnsureCapacity(Count + values.Length);
        values.CopyTo(_longs.AsSpan(Count));
        Count += values.Length;
    }

    public void AppendRange(ReadOnlySpan<double> values)
    {
        Expect(ParquetPhysicalType.Double);
        EnsureCapacity(Count + values.Length);
        values.CopyTo(_doubles.AsSpan(Count));
        Count += values.Length;
    }

    public void AppendRange(ReadOnlySpan<float> values)
    {
        Expect(ParquetPhysicalType.Float);
        EnsureCapacity(Count + values.Length);
        values.CopyTo(_floats.AsSpan(Count));
        Count += values.Length;
    }

    public void AppendRange(ReadOnlySpan<bool> values)
    {
        Expect(ParquetPhysicalType.Boolean);
        EnsureCapacity(Count + values.Length);
        values.CopyTo(_bools.AsSpan(Count));
        Count += values.Length;
    }

    /// <summary>
    /// Appends <paramref name="value"/> <paramref name="count"/> times (a value every row of a batch shares): the slots are
    /// filled in bulk and the writer encodes the run once, not value by value.
    /// </summary>
    public void AppendRepeated(bool value, int count)
    {
        Expect(ParquetPhysicalType.Boolean);
        var at = ReserveRun(count);
        _bools.AsSpan(at, count).Fill(value);
        AddRun(count);
    }

    /// <inheritdoc cref="AppendRepeated(bool, int)"/>
    public void AppendRepeated(int value, int count)
    {
        if (_physicalType == ParquetPhysicalType.Int64)
        {
            AppendRepeated((long)value, count);
            return;
        }

        Expect(ParquetPhysicalType.Int32);
        var at = ReserveRun(count);
        _ints.AsSpan(at, count).Fill(value);
        AddRun(count);
    }

    /// <inheritdoc cref="AppendRepeated(bool, int)"/>
    public void AppendRepeated(long value, int count)
    {
        Expect(ParquetPhysicalType.Int64);
        var at = ReserveRun(count);
        _longs.AsSpan(at, count).Fill(value);
        AddRun(count);
    }

    /// <inheritdoc cref="AppendRepeated(bool, int)"/>
    public void AppendRepeated(float value, int count)
    {
        Expect(ParquetPhysicalType.Float);
        var at = ReserveRun(count);
        _floats.AsSpan(at, count).Fill(value);
        AddRun(count);
    }

    /// <inheritdoc cref="AppendRepeated(bool, int)"/>
    public void AppendRepeated(double value, int count)
    {
        Expect(ParquetPhysicalType.Double);
        var at = ReserveRun(count);
        _doubles.AsSpan(at, count).Fill(value);
        AddRun(count);
    }

    /// <inheritdoc cref="AppendRepeated(bool, int)"/>
    public void AppendRepeated(ReadOnlySpan<byte> value, int count)
    {
        if (_physicalType is not (ParquetPhysicalType.ByteArray or ParquetPhysicalType.FixedLenByteArray or ParquetPhysicalType.Int96))
        {
            Expect(ParquetPhysicalType.ByteArray);
        }

        if (_physicalType != ParquetPhysicalType.ByteArray && value.Length != FixedLength)
        {
            throw new ArgumentException($"Column '{Column.Name}' holds {FixedLength}-byte values, got {value.Length} bytes.");
        }

        var total = (long)value.Length * count;
        if (_byteLength + total > Array.MaxLength)
        {
            throw new InvalidOperationException($"Column '{Column.Name}': {count} copies of a {value.Length}-byte value do not fit one buffer; use smaller batches.");
        }

        ReserveRun(count);
        EnsureBytes((int)total);
        FillRepeated(value, count, _bytes.AsSpan(_byteLength, (int)total));
        var offsets = _offsets.AsSpan(Count + 1, count);
        var end = _byteLength;
        for (var k = 0; k < offsets.Length; k++)
        {
            end += value.Length;
            offsets[k] = end;
        }

        _byteLength = end;
        AddRun(count);
    }

    /// <summary>
    /// Whether rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1 lie in one range
    /// appended by <see cref="AppendRepeated(bool, int)"/> (and its overloads), so they all hold the value of row <paramref name="start"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool IsRepeatedRange(int start, int count) => _runCount > 0 && count > 0 && FindRunEnd(start) >= start + count;

    /// <summary>Writes <paramref name="count"/> copies of <paramref name="value"/> back to back: one copy, then doubling block copies.</summary>
    internal static void FillRepeated(ReadOnlySpan<byte> value, int count, Span<byte> target)
    {
        if (value.IsEmpty || count == 0)
        {
            return;
        }

        value.CopyTo(target);
        var filled = value.Length;
        var total = value.Length * count;
        while (filled < total)
        {
            var chunk = Math.Min(filled, total - filled);
            target[..chunk].CopyTo(target[filled..]);
            filled += chunk;
        }
    }

    /// <summary>Drops the values from row <paramref name="count"/> on (a row that could not be completed).</summary>
    public void Truncate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        if (_nulls is not null)
        {
            for (var i = count; i < Count; i++)
            {
                if (_nulls[i])
                {
                    _nulls[i] = false;
                    NullCount--;
                }
            }
        }

        if (HoldsBytes)
        {
            _byteLength = _offsets[count];
        }

        while (_runCount > 0 && _runStarts[_runCount - 1] >= count)
        {
            _runCount--;
        }

        if (_runCount > 0 && _runEnds[_runCount - 1] > count)
        {
            _runEnds[_runCount - 1] = count;
        }

        Count = count;
    }

    /// <summary>
    /// Appends rows <paramref name="rows"/> of <paramref name="source"/>, a buffer of the same column (required or not),
    /// value by value without boxing; a null for a required column is refused like <see cref="AppendNull"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AppendRows(ParquetColumnBuffer source, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!Equals(source.Column with { IsRequired = Column.IsRequired }, Column))
        {
            throw new ArgumentException($"Rows of column '{source.Column}' cannot be appended to column '{Column}'.", nameof(source));
        }

        EnsureCapacity(Count + rows.Length);
        var nulls = source.NullCount > 0 ? source._nulls : null;
        foreach (var row in rows)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)source.Count, nameof(rows));
            if (nulls is not null && nulls[row])
            {
                AppendNull();
                continue;
            }

            switch (_physicalType)
            {
                case ParquetPhysicalType.Boolean: _bools[Count++] = source._bools[row]; break;
                case ParquetPhysicalType.Int32: _ints[Count++] = source._ints[row]; break;
                case ParquetPhysicalType.Int64: _longs[Count++] = source._longs[row]; break;
                case ParquetPhysicalType.Float: _floats[Count++] = source._floats[row]; break;
                case ParquetPhysicalType.Double: _doubles[Count++] = source._doubles[row]; break;
                default:
                    {
                        var from = source._offsets[row];
                        var length = source._offsets[row + 1] - from;
                        EnsureBytes(length);
                        source._bytes.AsSpan(from, length).CopyTo(_bytes.AsSpan(_byteLength));
                        _byteLength += length;
                        _offsets[++Count] = _byteLength;
                        break;
                    }
            }
        }
    }

    /// <summary>Appends a CLR value (see <see cref="ParquetValues"/> for the accepted types); boxes, for convenience paths.</summary>
    public void AppendValue(object? value) => ParquetValues.AppendClr(this, value);

    /// <summary>Byte-array columns keep offsets; fixed-width columns have none (their <see cref="ByteOffsets"/> are zeros).</summary>
    private bool HoldsBytes => Column.PhysicalType is ParquetPhysicalType.ByteArray or ParquetPhysicalType.FixedLenByteArray or ParquetPhysicalType.Int96;

    internal int FixedLength => Column.PhysicalType == ParquetPhysicalType.Int96 ? 12 : Column.TypeLength;

    internal int[] Int32Array => _ints;

    internal long[] Int64Array => _longs;

    internal float[] FloatArray => _floats;

    internal double[] DoubleArray => _doubles;

    internal bool[] BooleanArray => _bools;

    internal bool[]? NullArray => _nulls;

    /// <summary>
    /// Reader fast path: reserves <paramref name="count"/> slots and returns the start index. When the buffer must
    /// grow it grows toward <paramref name="expectedTotal"/> (the row group's rows) in at most a few steps, not by doubling.
    /// </summary>
    internal int ReserveSlots(int count, long expectedTotal = 0)
    {
        var needed = Count + count;
        if (needed > _capacity && expectedTotal > needed)
        {
            // Straight to the expected total once an eighth of it is decoded; before that, 8x steps: every allocation
            // stays within a small multiple of values really decoded, whatever a corrupt footer claims.
            EnsureCapacity((int)(expectedTotal <= 8L * needed ? expectedTotal : Math.Max(needed, 8L * _capacity)));
        }

        EnsureCapacity(needed);
        var start = Count;
        Count += count;
        return start;
    }

    /// <summary>Reader fast path: room for <paramref name="total"/> more value bytes; returns the array and where they start.</summary>
    internal byte[] ReserveBytes(int total, out int start, long expectedBytes = 0)
    {
        var needed = (long)_byteLength + total;
        if (needed > _bytes.Length && expectedBytes > needed)
        {
            // Grow toward the expected size: straight there once an eighth of it is decoded, else by 8x steps,
            // so a row group's values are not copied log(n) times and allocation follows the bytes really decoded.
            var target = Math.Min(Array.MaxLength, expectedBytes <= 8L * needed ? expectedBytes : Math.Max(needed, 8L * _bytes.Length));
            EnsureBytes((int)(target - _byteLength));
        }

        EnsureBytes(total);
        start = _byteLength;
        _byteLength += total;
        return _bytes;
    }

    /// <summary>Reader fast path: the offsets array (Count + 1 entries in use).</summary>
    internal int[] OffsetArray => _offsets;

    /// <summary>Reader fast path: the null flags, created on first use; add the nulls set with <see cref="AddNulls"/>.</summary>
    internal bool[] NullFlags() => _nulls ??= new bool[_capacity];

    internal void AddNulls(int count) => NullCount += count;

    /// <summary>Reader fast path: appends bytes for the next reserved byte-array slot <paramref name="index"/>.</summary>
    internal void SetBytes(int index, ReadOnlySpan<byte> value)
    {
        EnsureBytes(value.Length);
        value.CopyTo(_bytes.AsSpan(_byteLength));
        _byteLength += value.Length;
        _offsets[index + 1] = _byteLength;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void EnsureBytes(int additional)
    {
        if ((long)_byteLength + additional > _bytes.Length)
        {
            GrowBytes(additional);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GrowBytes(int additional)
    {
        var needed = (long)_byteLength + additional;
        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException($"Column '{Column.Name}': more than {Array.MaxLength} bytes in one buffer; use smaller batches.");
        }

        Grow(ref _bytes, (int)Math.Min(Array.MaxLength, Math.Max(needed, Math.Max(256, (long)_bytes.Length * 2))), _byteLength);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void EnsureCapacity(int count)
    {
        if (count > _capacity)
        {
            GrowCapacity(count);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GrowCapacity(int count)
    {
        var size = Math.Max(count, _capacity * 2);
        _capacity = size;
        switch (Column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean: Grow(ref _bools, size, Count); break;
            case ParquetPhysicalType.Int32: Grow(ref _ints, size, Count); break;
            case ParquetPhysicalType.Int64: Grow(ref _longs, size, Count); break;
            case ParquetPhysicalType.Float: Grow(ref _floats, size, Count); break;
            case ParquetPhysicalType.Double: Grow(ref _doubles, size, Count); break;
            default: break;
        }

        if (HoldsBytes)
        {
            Grow(ref _offsets, size + 1, Count + 1);
        }
        if (_nulls is not null)
        {
            Array.Resize(ref _nulls, size);
        }
    }

    /// <summary>
    /// A larger array holding the first <paramref name="used"/> elements. The rest is not zeroed: every slot is
    /// written before <see cref="Count"/> (or the byte length) covers it, and nothing reads past those.
    /// Null flags are not grown this way; they must start false.
    /// </summary>
    private static void Grow<T>(ref T[] array, int size, int used)
    {
        var bigger = GC.AllocateUninitializedArray<T>(size);
        array.AsSpan(0, Math.Min(used, array.Length)).CopyTo(bigger);
        array = bigger;
    }

    /// <summary>Room for <paramref name="count"/> more values (the arrays may be replaced: read them after); returns where they start.</summary>
    private int ReserveRun(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        EnsureCapacity(Count + count);
        return Count;
    }

    /// <summary>Counts <paramref name="count"/> just-filled slots as rows and records them as a run (joined to the last run when it ends here with the same value).</summary>
    private void AddRun(int count)
    {
        var start = Count;
        Count += count;
        if (count == 0)
        {
            return;
        }

        if (_runCount > 0 && _runEnds[_runCount - 1] == start && SameValue(start - 1, start))
        {
            _runEnds[_runCount - 1] = Count;
            return;
        }

        if (_runCount == _runStarts.Length)
        {
            Array.Resize(ref _runStarts, Math.Max(4, _runCount * 2));
            Array.Resize(ref _runEnds, _runStarts.Length);
        }

        _runStarts[_runCount] = start;
        _runEnds[_runCount] = Count;
        _runCount++;
    }

    /// <summary>The end of the run holding row <paramref name="row"/>, or -1 when none does (runs are sorted and disjoint).</summary>
    private int FindRunEnd(int row)
    {
        int lo = 0, hi = _runCount - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_runStarts[mid] > row)
            {
                hi = mid - 1;
            }
            else if (_runEnds[mid] <= row)
            {
                lo = mid + 1;
            }
            else
            {
                return _runEnds[mid];
            }
        }

        return -1;
    }

    /// <summary>Whether two rows hold the same bits (the writer's dictionary tells values apart by their bits).</summary>
    private bool SameValue(int a, int b)
    {
        if (IsNull(a) || IsNull(b))
        {
            return false;
        }

        return _physicalType switch
        {
            ParquetPhysicalType.Boolean => _bools[a] == _bools[b],
            ParquetPhysicalType.Int32 => _ints[a] == _ints[b],
            ParquetPhysicalType.Int64 => _longs[a] == _longs[b],
            ParquetPhysicalType.Float => BitConverter.SingleToInt32Bits(_floats[a]) == BitConverter.SingleToInt32Bits(_floats[b]),
            ParquetPhysicalType.Double => BitConverter.DoubleToInt64Bits(_doubles[a]) == BitConverter.DoubleToInt64Bits(_doubles[b]),
            _ => GetBytes(a).SequenceEqual(GetBytes(b)),
        };
    }

    private static Int128 Pow10(int n)
    {
        Int128 v = 1;
        for (var i = 0; i < n; i++)
        {
            v *= 10;
        }

        return v;
    }

    // Per-value appends run millions of times a second: the checks inline, their failures stay out of line.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Expect(ParquetPhysicalType type)
    {
        if (_physicalType != type)
        {
            ThrowWrongType(type);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowWrongType(ParquetPhysicalType type) =>
        throw new ArgumentException($"Column '{Column.Name}' is {Column.PhysicalType}; a {type} value cannot be appended.");
}
