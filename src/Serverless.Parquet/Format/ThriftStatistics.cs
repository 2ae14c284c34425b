using Serverless.Parquet.Thrift;

namespace Serverless.Parquet.Format;

/// <summary>parquet.thrift Statistics (min/max are PLAIN-encoded values without length prefix).</summary>
internal sealed class ThriftStatistics
{
    public byte[]? LegacyMax { get; set; }

    public byte[]? LegacyMin { get; set; }

    public long? NullCount { get; set; }

    public long? DistinctCount { get; set; }

    public byte[]? MaxValue { get; set; }

    public byte[]? MinValue { get; set; }

    public static ThriftStatistics Read(ref CompactReader r)
    {
        r.EnterStruct();
        var s = new ThriftStatistics();
        short last = 0;
        while (true)
        {
            var type = r.ReadFieldHeader(ref last, out var id);
            if (type == ThriftType.Stop)
            {
                break;
            }

            switch (id)
            {
                case 1 when type == ThriftType.Binary: s.LegacyMax = r.ReadBinary(); break;
                case 2 when type == ThriftType.Binary: s.LegacyMin = r.ReadBinary(); break;
                case 3 when type == ThriftType.I64: s.NullCount = r.ReadI64(); break;
                case 4 when type == ThriftType.I64: s.DistinctCount = r.ReadI64(); break;
                case 5 when type == ThriftType.Binary: s.MaxValue = r.ReadBinary(); break;
                case 6 when type == ThriftType.Binary: s.MinValue = r.ReadBinary(); break;
                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
        return s;
    }

    public void Write(CompactWriter w)
    {
        short last = 0;
        if (NullCount is { } nulls)
        {
            w.WriteI64Field(3, nulls, ref last);
        }

        if (DistinctCount is { } distinct)
        {
            w.WriteI64Field(4, distinct, ref last);
        }

        if (MaxValue is not null)
        {
            w.WriteBinaryField(5, MaxValue, ref last);
        }

        if (MinValue is not null)
        {
            w.WriteBinaryField(6, MinValue, ref last);
        }

        w.WriteStop();
    }
}
