namespace Serverless.Cdc.Schema.Evolution;

/// <summary>A column's type changed in a way Delta cannot widen in place (typeWidening allows only integral, float→double, decimal and date→timestamp_ntz widenings): the table stops at the DDL. The fix is a re-snapshot of the table into a new lake table.</summary>
public sealed class TypeChangeNotWidenableException : Exception
{
    public TypeChangeNotWidenableException()
    {
    }

    public TypeChangeNotWidenableException(string message)
        : base(message)
    {
    }

    public TypeChangeNotWidenableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
