using System.Globalization;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.MySql.Client;

namespace Serverless.Cdc.Preflight;

/// <summary>
/// Checks that a source can be replicated as a job asks, reporting every problem at once, each with its fix:
/// binlog on, ROW format, FULL row image and row metadata, the privileges (SELECT on every included table,
/// REPLICATION SLAVE, REPLICATION CLIENT / BINLOG MONITOR; RELOAD is not needed because no chunk takes a global read
/// lock), binlog retention against the estimated snapshot time, a usable key per table, mappable column types, and
/// an exact snapshot position method (see <see cref="SnapshotPositionMethod"/>).
/// </summary>
public sealed class PreflightChecker
{
    private readonly PreflightOptions options;

    public PreflightChecker(PreflightOptions? options = null) => this.options = options ?? new PreflightOptions();

    /// <summary>Reads the server's settings and the user's grants, then judges them (see <see cref="Evaluate"/>).</summary>
    public async Task<PreflightReport> CheckAsync(MySqlConnection connection, JobSpec job, IReadOnlyList<SourceTable> tables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var settings = await ServerSettings.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        var grants = await connection.QueryTextRowsAsync("SHOW GRANTS", cancellationToken).ConfigureAwait(false);
        return Evaluate(settings, GrantSet.Parse(grants.Select(r => r[0] ?? string.Empty)), job, tables, connection.Options.User);
    }

    /// <summary>Judges already-read settings and grants (no I/O).</summary>
    public PreflightReport Evaluate(ServerSettings settings, GrantSet grants, JobSpec job, IReadOnlyList<SourceTable> tables, string user)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(tables);
        var problems = new List<PreflightProblem>();
        var server = $"{settings.Version}";
        var isMariaDb = settings.Version.Flavor == MySqlServerFlavor.MariaDb;
        var configFile = isMariaDb ? "the [mariadb] section of the server's option file" : "the [mysqld] section of my.cnf";

        if (!settings.LogBin)
        {
            problems.Add(new(PreflightCheck.BinlogDisabled, server, "the binary log is off (log_bin=OFF), so there are no changes to capture.",
                $"set log_bin (e.g. log_bin=mysql-bin) and server_id in {configFile} and restart the server; on Azure Database for MySQL it is always on."));
        }

        if (!string.Equals(settings.BinlogFormat, "ROW", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new(PreflightCheck.BinlogFormat, server, $"binlog_format is {settings.BinlogFormat ?? "unknown"}; change capture needs row events.",
                $"SET GLOBAL binlog_format = 'ROW' and add binlog_format=ROW to {configFile} (sessions started before keep the old format until they reconnect)."));
        }

        if (!string.Equals(settings.BinlogRowImage, "FULL", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new(PreflightCheck.BinlogRowImage, server, $"binlog_row_image is {settings.BinlogRowImage ?? "unknown"}; the lake needs full before and after images of every row.",
                $"SET GLOBAL binlog_row_image = 'FULL' and add binlog_row_image=FULL to {configFile}."));
        }

        if (settings.BinlogRowMetadata is null)
        {
            problems.Add(new(PreflightCheck.BinlogRowMetadata, server, "the server has no binlog_row_metadata variable, so binlog events do not carry column names and types.",
                "upgrade to MySQL 8.0.14+ or MariaDB 10.5+ and set binlog_row_metadata=FULL."));
        }
        else if (!string.Equals(settings.BinlogRowMetadata, "FULL", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new(PreflightCheck.BinlogRowMetadata, server, $"binlog_row_metadata is {settings.BinlogRowMetadata}; capture needs column names, signedness and charsets in table map events.",
                $"SET GLOBAL binlog_row_metadata = 'FULL' and add binlog_row_metadata=FULL to {configFile}."));
        }

        // Privileges.
        if (!grants.HasAnyGlobal("REPLICATION SLAVE", "REPLICATION REPLICA"))
        {
            problems.Add(new(PreflightCheck.MissingPrivilege, $"user {user}", "lacks REPLICATION SLAVE, needed to stream the binlog.",
                $"GRANT REPLICATION SLAVE ON *.* TO '{user}'@'%';" + RoleHint(grants)));
        }

        if (!grants.HasAnyGlobal("REPLICATION CLIENT", "BINLOG MONITOR", "SUPER"))
        {
            problems.Add(new(PreflightCheck.MissingPrivilege, $"user {user}", $"lacks {(isMariaDb ? "BINLOG MONITOR" : "REPLICATION CLIENT")}, needed to read binlog positions and the list of binlog files.",
                $"GRANT {(isMariaDb ? "BINLOG MONITOR" : "REPLICATION CLIENT")} ON *.* TO '{user}'@'%';" + RoleHint(grants)));
        }

        var noSelect = tables.Where(t => !grants.CanSelect(t.Database, t.Name)).ToList();
        foreach (var byDatabase in noSelect.GroupBy(t => t.Database, StringComparer.Ordinal))
        {
            var names = byDatabase.Select(t => t.QualifiedName).ToList();
            problems.Add(new(PreflightCheck.MissingPrivilege, $"user {user}",
                $"cannot SELECT {(names.Count == 1 ? "table " + names[0] : names.Count + " tables: " + string.Join(", ", names.Take(10)) + (names.Count > 10 ? ", ..." : string.Empty))}.",
                $"GRANT SELECT ON `{byDatabase.Key.Replace("`", "``", StringComparison.Ordinal)}`.* TO '{user}'@'%'; (or grant SELECT per table)" + RoleHint(grants)));
        }

        // Exact snapshot position.
        var method = ChooseMethod(settings, grants);
        if (method == SnapshotPositionMethod.None)
        {
            problems.Add(new(PreflightCheck.PositionMethod, server,
                "no exact way to take a chunk's binlog position: reading SHOW MASTER STATUS next to a SELECT can drop changes committed in between.",
                "on MySQL 8.0.17+ GRANT BACKUP_ADMIN ON *.* to the user (performance_schema.log_status), or enable GTIDs (gtid_mode=ON, enforce_gtid_consistency=ON); or replicate from MariaDB/Percona."));
        }
        else if (!IsSupportedBySnapshot(method))
        {
            problems.Add(new(PreflightCheck.PositionMethod, server,
                $"the only exact snapshot position this server offers is {method} (GTIDs without BACKUP_ADMIN), which the chunk reader does not support yet; the snapshot would fail at its first chunk.",
                settings.Version.IsAtLeast(8, 0, 17)
                    ? $"GRANT BACKUP_ADMIN ON *.* TO '{user}'@'%'; so chunks can read performance_schema.log_status" + RoleHint(grants) + "; or replicate from MariaDB/Percona."
                    : "upgrade to MySQL 8.0.17+ and GRANT BACKUP_ADMIN ON *.* to the user (performance_schema.log_status), or replicate from MariaDB/Percona."));
        }

        // Retention against the snapshot's expected duration.
        var totalBytes = tables.Sum(t => Math.Max(0, t.DataLength));
        var estimate = TimeSpan.FromSeconds((double)totalBytes / Math.Max(1, options.EstimatedBytesPerSecond));
        var retention = settings.Retention;
        if (retention is { } r && r < estimate * options.RetentionSafetyFactor)
        {
            problems.Add(new(PreflightCheck.BinlogRetention, server,
                string.Create(CultureInfo.InvariantCulture, $"binlogs are kept {r.TotalHours:0.#} h but the snapshot of {totalBytes / (1024.0 * 1024 * 1024):0.##} GiB is expected to take {estimate.TotalHours:0.#} h at {options.EstimatedBytesPerSecond / (1024.0 * 1024):0.#} MiB/s; binlogs could expire before capture reads them."),
                string.Create(CultureInfo.InvariantCulture, $"keep binlogs at least {Math.Ceiling((estimate * options.RetentionSafetyFactor).TotalHours)} h: SET GLOBAL binlog_expire_logs_seconds = {(long)Math.Ceiling((estimate * options.RetentionSafetyFactor).TotalSeconds)} (and in the option file), or raise snapshot.estimatedBytesPerSecond if the source reads faster.")));
        }

        // Tables.
        if (tables.Count == 0)
        {
            problems.Add(new(PreflightCheck.NoTables, "$.tables.include", $"no table on the server matches {string.Join(", ", job.Tables.Include)}{(job.Tables.Exclude.Count > 0 ? " minus " + string.Join(", ", job.Tables.Exclude) : string.Empty)}.",
                "check the database and table names (matching is case-sensitive) and that the user can see the tables (SHOW DATABASES / SELECT grants)."));
        }

        foreach (var t in tables)
        {
            var keyOverride = job.KeyOverrideFor(t.QualifiedName);
            if (keyOverride is not null)
            {
                var missing = keyOverride.Where(c => !t.Columns.Any(tc => string.Equals(tc.Name, c, StringComparison.OrdinalIgnoreCase))).ToList();
                if (missing.Count > 0)
                {
                    problems.Add(new(PreflightCheck.KeyOverride, $"$.keys['{t.QualifiedName}']", $"names column(s) {string.Join(", ", missing)} that table {t.QualifiedName} does not have.",
                        $"use columns of the table: {string.Join(", ", t.Columns.Select(c => c.Name))}."));
                }
            }
            else if (!t.HasKey)
            {
                problems.Add(new(PreflightCheck.TableWithoutKey, t.QualifiedName, "has no primary key and no unique key on NOT NULL columns, so changes cannot be matched to rows.",
                    $"add a primary key, name key columns in the job spec (\"keys\": {{\"{t.QualifiedName}\": [\"col\", ...]}}), or exclude the table (\"tables\": {{\"exclude\": [\"{t.QualifiedName}\"]}})."));
            }

            try
            {
                TypeMapper.Map(t, job.Types, job.Target.SoftDelete);
            }
            catch (UnsupportedColumnTypeException e)
            {
                problems.Add(new(PreflightCheck.UnsupportedColumnType, t.QualifiedName, e.Message, "see the message."));
            }
        }

        return new PreflightReport
        {
            Problems = problems,
            PositionMethod = method,
            ServerVersion = settings.Version,
            EstimatedSnapshotTime = estimate,
            BinlogRetention = retention,
        };
    }

    /// <summary>The exact-position method the server offers, best first.</summary>
    public static SnapshotPositionMethod ChooseMethod(ServerSettings settings, GrantSet grants)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(grants);
        if (settings.HasBinlogSnapshotStatus)
        {
            return SnapshotPositionMethod.ConsistentSnapshotStatus;
        }

        if (settings.Version.Flavor == MySqlServerFlavor.MySql && settings.Version.IsAtLeast(8, 0, 17) && grants.HasAnyGlobal("BACKUP_ADMIN"))
        {
            return SnapshotPositionMethod.LogStatus;
        }

        return string.Equals(settings.GtidMode, "ON", StringComparison.OrdinalIgnoreCase) ? SnapshotPositionMethod.GtidExecuted : SnapshotPositionMethod.None;
    }

    /// <summary>
    /// Whether the snapshot's chunk reader can take positions by <paramref name="method"/>: consistent-snapshot status
    /// (MariaDB, Percona) and log_status (MySQL 8.0.17+ with BACKUP_ADMIN). GTID-set positions are not implemented.
    /// </summary>
    public static bool IsSupportedBySnapshot(SnapshotPositionMethod method) =>
        method is SnapshotPositionMethod.ConsistentSnapshotStatus or SnapshotPositionMethod.LogStatus;

    private static string RoleHint(GrantSet grants) =>
        grants.Roles.Count == 0 ? string.Empty : $" (the user also has role(s) {string.Join(", ", grants.Roles)}; privileges of a role count only when it is the default role: SET DEFAULT ROLE)";
}
