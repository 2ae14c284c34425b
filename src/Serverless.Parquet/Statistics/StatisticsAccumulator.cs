using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Serverless.Parquet.Format;

namespace Serverless.Parquet.Statistics;

/// <summary>
/// Tracks min, max and null count of one column chunk while values are written, without allocating per value.
/// Floating point follows the spec: NaN is never a bound, and a zero bound is written as -0.0 (min) / +0.0 (max).
/// </summary>
internal sealed class StatisticsAccumulator
{
    private readonly ParquetColumn _column;
    private readonly bool _unsigned;
    private readonly bool _signedBytes;
    private long _minLong;
    private long _maxLong;
    private double _minDouble;
    private double _maxDouble;
    private byte[] _minBytes = [];
    private byte[] _maxBytes = [];
    private int _minLength;
    private int _maxLength;

    public StatisticsAccumulator(ParquetColumn column)
    {
        _column = column;
        _unsigned = StatisticsOrder.IsUnsigned(column);
        _signedBytes = column.IsDecimal;
    }

    public bool HasMinMax { get; private set; }

    public long NullCount { get; private set; }

    public long ValueCount { get; private set; }

    public void Reset()
    {
        HasMinMax = false;
        NullCount = 0;
        ValueCount = 0;
    }

    /// <summary>Counts values whose bounds are already folded in (repeats of a dictionary entry already added).</summary>
    public void CountRepeats(long count) => ValueCount += count;

    public void AddNulls(long count)
    {
        NullCount += count;
        ValueCount += count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long value)
    {
        ValueCount++;
        if (!HasMinMax)
        {
            _minLong = _maxLong = value;
            HasMinMax = true;
            return;
        }

        if (_unsigned)
        {
            if ((ulong)value < (ulong)_minLong)
            {
                _minLong = value;
            }
            else if ((ulong)value > (ulong)_maxLong)
            {
                _maxLong = value;
            }

            return;
        }

        if (value < _minLong)
        {
            _minLong = value;
        }
        else if (value > _maxLong)
        {
            _maxLong = value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double value)
    {
        ValueCount++;
        if (double.IsNaN(value))
        {
            return;
        }

        if (!HasMinMax)
        {
            _minDouble = _maxDouble = value;
            HasMinMax = true;
            return;
        }

        if (value < _minDouble)
        {
            _minDouble = value;
        }
        else if (value > _maxDouble)
        {
            _maxDouble = value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<byte> value)
    {
        ValueCount++;
        if (!HasMinMax)
        {
            Store(ref _minBytes, ref _minLength, value);
            Store(ref _maxBytes, ref _maxLength, value);
            HasMinMax = true;
            return;
        }

        if (Compare(value, _minBytes.AsSpan(0, _minLength)) < 0)
        {
            Store(ref _minBytes, ref _minLength, value);
        }
        else if (Compare(value, _maxBytes.AsSpan(0, _maxLength)) > 0)
        {
            Store(ref _maxBytes, ref _maxLength, value);
        }
    }

    /// <summary>Adds non-null integers (INT32 values widened) in one pass: min and max over the run, then one merge.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRange(ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        if (_unsigned)
        {
            var (min, max) = Bounds(MemoryMarshal.Cast<long, ulong>(values));
            MergeLongs((long)min, (long)max, values.Length);
        }
        else
        {
            var (min, max) = Bounds(values);
            MergeLongs(min, max, values.Length);
        }
    }

    /// <summary>Adds non-null INT32 values in one pass (widened as <see cref="Add(long)"/> would).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRange(ReadOnlySpan<int> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        if (_unsigned)
        {
            // Ordered as UINT32, stored sign-extended like Add(long) of the same int.
            var (min, max) = Bounds(MemoryMarshal.Cast<int, uint>(values));
            MergeLongs((int)min, (int)max, values.Length);
        }
        else
        {
            var (min, max) = Bounds(values);
            MergeLongs(min, max, values.Length);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (T Min, T Max) Bounds<T>(ReadOnlySpan<T> values)
        where T : struct, IBinaryInteger<T>
    {
        var min = values[0];
        var max = min;
        foreach (var v in values)
        {
            min = T.Min(min, v);
            max = T.Max(max, v);
        }

        return (min, max);
    }

    /// <summary>Adds non-null doubles in one pass (NaN is never a bound).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRange(ReadOnlySpan<double> values)
    {
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        var any = false;
        foreach (var v in values)
        {
            if (v < min)
            {
                min = v;
            }

            if (v > max)
            {
                max = v;
            }

            any |= !double.IsNaN(v);
        }

        MergeDoubles(min, max, any, values.Length);
    }

    /// <summary>Adds non-null floats in one pass (NaN is never a bound).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRange(ReadOnlySpan<float> values)
    {
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        var any = false;
        foreach (var f in values)
        {
            double v = f;
            if (v < min)
            {
                min = v;
            }

            if (v > max)
            {
                max = v;
            }

            any |= !float.IsNaN(f);
        }

        MergeDoubles(min, max, any, values.Length);
    }

    /// <summary>Folds another chunk's statistics into this one (file-level statistics).</summary>
    public void Merge(StatisticsAccumulator other)
    {
        NullCount += other.NullCount;
        ValueCount += other.ValueCount;
        if (other.HasMinMax)
        {
            var (min, max) = other.EncodeMinMax();
            var had = HasMinMax;
            if (!had)
            {
                DecodeInto(min!, isMin: true);
                DecodeInto(max!, isMin: false);
                HasMinMax = true;
            }
            else
            {
                var (myMin, myMax) = EncodeMinMax();
                if (StatisticsOrder.Compare(_column, min, myMin) < 0)
                {
                    DecodeInto(min!, isMin: true);
                }

                if (StatisticsOrder.Compare(_column, max, myMax) > 0)
                {
                    DecodeInto(max!, isMin: false);
                }
            }
        }
    }

    /// <summary>PLAIN-encoded min and max (null when there is none: all values null or NaN).</summary>
    public (byte[]? Min, byte[]? Max) EncodeMinMax()
    {
        if (!HasMinMax || !StatisticsOrder.HasDefinedOrder(_column))
        {
            return (null, null);
        }

        switch (_column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean:
                return ([(byte)_minLong], [(byte)_maxLong]);
            case ParquetPhysicalType.Int32:
                {
                    var min = new byte[4];
                    var max = new byte[4];
                    BinaryPrimitives.WriteInt32LittleEndian(min, (int)_minLong);
                    BinaryPrimitives.WriteInt32LittleEndian(max, (int)_maxLong);
                    return (min, max);
                }

            case ParquetPhysicalType.Int64:
                {
                    var min = new byte[8];
                    var max = new byte[8];
                    BinaryPrimitives.WriteInt64LittleEndian(min, _minLong);
                    BinaryPrimitives.WriteInt64LittleEndian(max, _maxLong);
                    return (min, max);
                }

            case ParquetPhysicalType.Float:
                {
                    var min = new byte[4];
                    var max = new byte[4];
                    BinaryPrimitives.WriteSingleLittleEndian(min, _minDouble == 0 ? -0.0f : (float)_minDouble);
                    BinaryPrimitives.WriteSingleLittleEndian(max, _maxDouble == 0 ? 0.0f : (float)_maxDouble);
                    return (min, max);
                }

            case ParquetPhysicalType.Double:
                {
                    var min = new byte[8];
                    var max = new byte[8];
                    BinaryPrimitives.WriteDoubleLittleEndian(min, _minDouble == 0 ? -0.0 : _minDouble);
                    BinaryPrimitives.WriteDoubleLittleEndian(max, _maxDouble == 0 ? 0.0 : _maxDouble);
                    return (min, max);
                }

            default:
                return (_minBytes.AsSpan(0, _minLength).ToArray(), _maxBytes.AsSpan(0, _maxLength).ToArray());
        }
    }

    public ThriftStatistics ToThrift()
    {
        var (min, max) = EncodeMinMax();
        return new ThriftStatistics { NullCount = NullCount, MinValue = min, MaxValue = max };
    }

    public ParquetColumnStatistics ToPublic()
    {
        var (min, max) = EncodeMinMax();
        return ParquetColumnStatistics.Create(_column, NullCount, ValueCount, min, max, distinctCount: null);
    }

    private void DecodeInto(byte[] plain, bool isMin)
    {
        switch (_column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean:
                Set(plain[0]);
                break;
            case ParquetPhysicalType.Int32:
                Set(BinaryPrimitives.ReadInt32LittleEndian(plain));
                break;
            case ParquetPhysicalType.Int64:
                Set(BinaryPrimitives.ReadInt64LittleEndian(plain));
                break;
            case ParquetPhysicalType.Float:
                SetDouble(BinaryPrimitives.ReadSingleLittleEndian(plain));
                break;
            case ParquetPhysicalType.Double:
                SetDouble(BinaryPrimitives.ReadDoubleLittleEndian(plain));
                break;
            default:
                if (isMin)
                {
                    Store(ref _minBytes, ref _minLength, plain);
                }
                else
                {
                    Store(ref _maxBytes, ref _maxLength, plain);
                }

                break;
        }

        void Set(long v)
        {
            if (isMin)
            {
                _minLong = v;
            }
            else
            {
                _maxLong = v;
            }
        }

        void SetDouble(double v)
        {
            if (isMin)
            {
                _minDouble = v;
            }
            else
            {
                _maxDouble = v;
            }
        }
    }

    private void MergeLongs(long min, long max, int count)
    {
        ValueCount += count;
        if (!HasMinMax)
        {
            (_minLong, _maxLong) = (min, max);
            HasMinMax = true;
        }
        else if (_unsigned)
        {
            _minLong = (ulong)min < (ulong)_minLong ? min : _minLong;
            _maxLong = (ulong)max > (ulong)_maxLong ? max : _maxLong;
        }
        else
        {
            _minLong = Math.Min(min, _minLong);
            _maxLong = Math.Max(max, _maxLong);
        }
    }

    private void MergeDoubles(double min, double max, bool any, int count)
    {
        ValueCount += count;
        if (!any)
        {
            return;
        }

        // Infinite bounds are real values here only when a value was infinite; otherwise some non-NaN value set them.
        if (!HasMinMax)
        {
            (_minDouble, _maxDouble) = (min, max);
            HasMinMax = true;
        }
        else
        {
            _minDouble = min < _minDouble ? min : _minDouble;
            _maxDouble = max > _maxDouble ? max : _maxDouble;
        }
    }

    private int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        _signedBytes ? StatisticsOrder.CompareSignedBigEndian(a, b) : a.SequenceCompareTo(b);

    private static void Store(ref byte[] target, ref int length, ReadOnlySpan<byte> value)
    {
        if (target.Length < value.Length)
        {
            target = new byte[Math.Max(value.Length, target.Length * 2)];
        }

        value.CopyTo(target);
        length = value.Length;
    }
}
