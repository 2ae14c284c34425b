using Serverless.Parquet.Thrift;

namespace Serverless.Parquet.Format;

/// <summary>parquet.thrift KeyValue.</summary>
internal static class ThriftKeyValue
{
    public static KeyValuePair<string, string?> Read(ref CompactReader r)
    {
        r.EnterStruct();
        string? key = null;
        string? value = null;
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
                case 1 when type == ThriftType.Binary: key = r.ReadString(); break;
                case 2 when type == ThriftType.Binary: value = r.ReadString(); break;
                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
        return new KeyValuePair<string, string?>(key ?? throw r.Error("KeyValue without key"), value);
    }

    public static void Write(CompactWriter w, KeyValuePair<string, string?> pair)
    {
        short last = 0;
        w.WriteStringField(1, pair.Key, ref last);
        if (pair.Value is not null)
        {
            w.WriteStringField(2, pair.Value, ref last);
        }

        w.WriteStop();
    }

    public static List<KeyValuePair<string, string?>> ReadList(ref CompactReader r, ThriftType type)
    {
        Expect(ref r, type, ThriftType.List, "key_value_metadata");
        var count = r.ReadListHeader(out var elementType);
        Expect(ref r, elementType, ThriftType.Struct, "key_value_metadata element");
        var list = new List<KeyValuePair<string, string?>>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(Read(ref r));
        }

        return list;
    }

    public static void WriteList(CompactWriter w, short id, IReadOnlyList<KeyValuePair<string, string?>> pairs, ref short last)
    {
        w.WriteFieldHeader(ThriftType.List, id, ref last);
        w.WriteListHeader(ThriftType.Struct, pairs.Count);
        foreach (var pair in pairs)
        {
            Write(w, pair);
        }
    }

    internal static void Expect(ref CompactReader r, ThriftType actual, ThriftType expected, string what)
    {
        if (actual != expected)
        {
            throw r.Error($"thrift {what} has type {actual}, expected {expected}");
        }
    }
}
