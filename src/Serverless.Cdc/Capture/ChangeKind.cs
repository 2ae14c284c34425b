namespace Serverless.Cdc.Capture;

/// <summary>What a change event does to its table. The numeric values are part of the change-event wire format.</summary>
public enum ChangeKind : byte
{
    Insert = 1,
    Update = 2,
    Delete = 3,

    /// <summary>A schema change (CREATE/ALTER/DROP/RENAME/TRUNCATE); the event carries the statement, no row.</summary>
    Ddl = 4,
}
