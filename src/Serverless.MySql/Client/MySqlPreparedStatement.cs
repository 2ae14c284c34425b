namespace Serverless.MySql.Client;

/// <summary>
/// A server-side prepared statement without parameters (COM_STMT_PREPARE), executed with <see cref="ExecuteAsync"/>:
/// its rows come in the binary protocol, integers and temporals as fixed bytes, which costs the server and the client
/// less than their text renderings. Disposing closes it on the server (COM_STMT_CLOSE, which has no reply); dispose
/// the reader of an execution first.
/// </summary>
public sealed class MySqlPreparedStatement : IAsyncDisposable
{
    private readonly MySqlConnection connection;
    private bool closed;

    internal MySqlPreparedStatement(MySqlConnection connection, uint id, string sql, IReadOnlyList<MySqlColumn> columns, int parameterCount)
    {
        this.connection = connection;
        Id = id;
        Sql = sql;
        Columns = columns;
        ParameterCount = parameterCount;
    }

    public uint Id { get; }

    public string Sql { get; }

    /// <summary>The result's columns as the server described them when preparing (empty for a statement without rows).</summary>
    public IReadOnlyList<MySqlColumn> Columns { get; }

    /// <summary>Placeholders ('?') in the statement; <see cref="ExecuteAsync"/> runs only statements without any.</summary>
    public int ParameterCount { get; }

    /// <summary>Runs the statement; rows are read with the returned reader as for a query, their fields in binary form.</summary>
    public Task<MySqlResultReader> ExecuteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(closed, this);
        if (ParameterCount != 0)
        {
            throw new InvalidOperationException(
                $"The prepared statement has {ParameterCount} parameters; this client executes only statements without placeholders. Put the values into the SQL text.");
        }

        return connection.ExecutePreparedAsync(this, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (closed)
        {
            return;
        }

        closed = true;
        await connection.ClosePreparedAsync(this).ConfigureAwait(false);
    }
}
