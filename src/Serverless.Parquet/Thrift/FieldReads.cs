namespace Serverless.Parquet.Thrift;

/// <summary>Typed field reads that check the wire type against the one parquet.thrift declares.</summary>
internal static class FieldReads
{
    public static int I32(ref CompactReader r, ThriftType type, string field)
    {
        Check(ref r, type, ThriftType.I32, field);
        return r.ReadI32();
    }

    public static long I64(ref CompactReader r, ThriftType type, string field)
    {
        Check(ref r, type, ThriftType.I64, field);
        return r.ReadI64();
    }

    public static bool Bool(ref CompactReader r, ThriftType type, string field)
    {
        if (type is not (ThriftType.BooleanTrue or ThriftType.BooleanFalse))
        {
            throw r.Error($"thrift field {field} has type {type}, expected a boolean");
        }

        return type == ThriftType.BooleanTrue;
    }

    public static string String(ref CompactReader r, ThriftType type, string field)
    {
        Check(ref r, type, ThriftType.Binary, field);
        return r.ReadString();
    }

    public static void Struct(ref CompactReader r, ThriftType type, string field) => Check(ref r, type, ThriftType.Struct, field);

    public static int List(ref CompactReader r, ThriftType type, ThriftType elementType, string field)
    {
        if (type is not (ThriftType.List or ThriftType.Set))
        {
            throw r.Error($"thrift field {field} has type {type}, expected a list");
        }

        var count = r.ReadListHeader(out var actual);
        if (count > 0 && actual != elementType)
        {
            throw r.Error($"thrift list {field} has elements of type {actual}, expected {elementType}");
        }

        return count;
    }

    public static void Check(ref CompactReader r, ThriftType actual, ThriftType expected, string field)
    {
        if (actual != expected)
        {
            throw r.Error($"thrift field {field} has type {actual}, expected {expected}");
        }
    }
}
