using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Delta.Merge;

/// <summary>
/// The position column of one data file, row by row, unboxed where the type allows: a decimal as its unscaled 128-bit
/// integer at the column's scale (CDC's <c>_cdc_position</c> is decimal(38,0)), an integral type as a long; any other
/// type boxed. A boxed value is made only for the rows a merge matches (<see cref="At"/>).
/// </summary>
internal sealed class FilePositions
{
    private readonly DeltaType type;
    private readonly Storage storage;
    private Int128[] exact = [];
    private long[] integers = [];
    private object?[] boxed = [];
    private bool[]? nulls;

    public FilePositions(DeltaType type, int capacity)
    {
        this.type = type;
        storage = type switch
        {
            DecimalType => Storage.Exact,
            _ when IntegralColumn.Fits(type) => Storage.Integer,
            _ => Storage.Boxed,
        };
        Grow(Math.Max(capacity, 16));
    }

    public int Count { get; private set; }

    /// <summary>Appends the rows of <paramref name="column"/> of <paramref name="batch"/>.</summary>
    public void AddBatch(ScanBatch batch, int column)
    {
        if (Count + batch.RowCount > Capacity)
        {
            Grow(Math.Max(Count + batch.RowCount, Capacity * 2));
        }

        switch (storage)
        {
            case Storage.Exact:
                AddExact(batch, column);
                break;
            case Storage.Integer:
                var integral = new IntegralColumn(batch, column);
                for (var r = 0; r < batch.RowCount; r++)
                {
                    if (!integral.TryRead(r, out integers[Count + r]))
                    {
                        MarkNull(Count + r);
                    }
                }

                break;
            default:
                for (var r = 0; r < batch.RowCount; r++)
                {
                    boxed[Count + r] = batch.GetValue(r, column);
                }

                break;
        }

        Count += batch.RowCount;
    }

    /// <summary>The position of <paramref name="row"/> as <see cref="DeltaValues"/> types it (boxed), or null.</summary>
    public object? At(int row)
    {
        if (nulls is not null && nulls[row])
        {
            return null;
        }

        return storage switch
        {
            Storage.Exact => Exact(exact[row]),
            Storage.Integer => IntegralColumn.Box(integers[row], type),
            _ => boxed[row],
        };
    }

    /// <summary>A wide decimal boxed once as the <see cref="ParquetDecimal"/> it is; a narrow one as System.Decimal, like <see cref="DeltaValues"/>.</summary>
    private object Exact(Int128 unscaled)
    {
        var d = (DecimalType)type;
        var value = new ParquetDecimal(unscaled, d.Scale);
        return DeltaValues.FitsSystemDecimal(d) ? DeltaValues.FromParquet(value, type)! : value;
    }

    private int Capacity => storage switch
    {
        Storage.Exact => exact.Length,
        Storage.Integer => integers.Length,
        _ => boxed.Length,
    };

    private void AddExact(ScanBatch batch, int column)
    {
        var scale = ((DecimalType)type).Scale;
        var buffer = batch.GetBuffer(column);
        var decimals = buffer is { Column.IsDecimal: true } ? buffer : null;
        for (var r = 0; r < batch.RowCount; r++)
        {
            ParquetDecimal value;
            if (decimals is not null)
            {
                if (decimals.IsNull(r))
                {
                    MarkNull(Count + r);
                    continue;
                }

                value = decimals.GetDecimal(r);
            }
            else
            {
                switch (batch.GetValue(r, column))
                {
                    case null:
                        MarkNull(Count + r);
                        continue;
                    case ParquetDecimal p:
                        value = p;
                        break;
                    case var other:
                        value = ParquetDecimal.FromDecimal((decimal)other);
                        break;
                }
            }

            exact[Count + r] = value.Rescale(scale).Unscaled;
        }
    }

    private void MarkNull(int row)
    {
        nulls ??= new bool[Capacity];
        nulls[row] = true;
    }

    private void Grow(int capacity)
    {
        switch (storage)
        {
            case Storage.Exact:
                Array.Resize(ref exact, capacity);
                break;
            case Storage.Integer:
                Array.Resize(ref integers, capacity);
                break;
            default:
                Array.Resize(ref boxed, capacity);
                break;
        }

        if (nulls is not null)
        {
            Array.Resize(ref nulls, capacity);
        }
    }

    private enum Storage
    {
        Exact,
        Integer,
        Boxed,
    }
}
