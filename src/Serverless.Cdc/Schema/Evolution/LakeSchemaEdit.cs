using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.Schema;
using DeltaSnapshot = Serverless.Delta.Log.Snapshot;

namespace Serverless.Cdc.Schema.Evolution;

/// <summary>
/// Schema changes to one lake table chained on previews of each other (<see cref="SchemaEvolution.Preview"/>), so that
/// one DDL statement, whatever its number of clauses, becomes one Delta commit.
/// </summary>
internal sealed class LakeSchemaEdit(DeltaSnapshot snapshot)
{
    private ProtocolAction? protocol;

    public DeltaSnapshot Current { get; private set; } = snapshot;

    public bool Changed { get; private set; }

    /// <summary>The DDL is in the lake already: the clauses only move the writer's source schema on.</summary>
    public bool Dry { get; init; }

    public bool ColumnMapping => Current.ColumnMapping != Delta.Log.ColumnMappingMode.None;

    /// <summary>Per lake column, the value its nulls in the rows before the DDL become (<see cref="ColumnBackfill"/>): the statement's commit rewrites them.</summary>
    public Dictionary<string, object> Fills { get; } = new(StringComparer.OrdinalIgnoreCase);

    public StructField? Find(string name) => Current.Schema.FindField(name);

    public void Add(StructField field) => Apply(SchemaEvolution.AddColumn(Current, field with { Nullable = true }));

    public void Drop(string name)
    {
        Apply(SchemaEvolution.DropColumn(Current, name));
        Fills.Remove(name);
    }

    public void Rename(string from, string to)
    {
        Apply(SchemaEvolution.RenameColumn(Current, from, to));
        if (Fills.Remove(from, out var value))
        {
            Fills[to] = value;
        }
    }

    public void Widen(string name, DeltaType to) => Apply(SchemaEvolution.WidenColumn(Current, name, to));

    /// <summary>Makes the column nullable when it is NOT NULL in the lake; true when it was.</summary>
    public bool RelaxIfRequired(string name)
    {
        if (Find(name) is not { Nullable: false })
        {
            return false;
        }

        Apply(SchemaEvolution.RelaxNullability(Current, name));
        return true;
    }

    /// <summary>Stages the changed metaData (with <paramref name="configuration"/> added) and protocol in <paramref name="tx"/>.</summary>
    public void Stage(Delta.Transactions.DeltaTransaction tx, IReadOnlyDictionary<string, string> configuration)
    {
        var merged = new Dictionary<string, string>(Current.Metadata.Configuration, StringComparer.Ordinal);
        foreach (var (key, value) in configuration)
        {
            merged[key] = value;
        }

        tx.UpdateMetadata(Current.Metadata with { Configuration = merged });
        if (protocol is not null)
        {
            tx.UpdateProtocol(protocol);
        }
    }

    private void Apply(SchemaEvolution.Change change)
    {
        Current = SchemaEvolution.Preview(Current, change);
        protocol = change.Protocol ?? protocol;
        Changed = true;
    }
}
