using System.Text.Json;
using Serverless.Cdc.Jobs;
using Serverless.Testing;

namespace Serverless.Cdc.Tests;

public sealed class JobSpecValidationTests
{
    private const string ValidSpec = """
        {
          "name": "shop-to-lake",
          "source": { "host": "db.example.com", "port": 3307, "user": "cdc", "password": "env:SHOP_DB_PASSWORD", "tls": "verify-full" },
          "tables": { "include": ["shop.*", "!shop.tmp_*"], "exclude": ["shop.audit"] },
          "target": {
            "root": "https://acct.blob.core.windows.net/lake/shop",
            "naming": { "prefix": "raw_", "suffix": "_v1", "rename": { "shop.orders": "orders" } },
            "writeMode": "copy-on-write",
            "softDelete": true
          },
          "keys": { "shop.events": ["device_id", "seq"] },
          "snapshot": { "parallelism": 8, "chunkRows": 50000 },
          "types": { "zeroDate": "1970-01-01", "time": "microseconds", "bit": "binary" },
          "schemaChanges": "lenient"
        }
        """;

    [Fact]
    public void ValidSpecLoadsEveryField()
    {
        var spec = JobSpecLoader.Parse(ValidSpec);

        Assert.Equal("shop-to-lake", spec.Name);
        Assert.Equal(("db.example.com", 3307, "cdc"), (spec.Source.Host, spec.Source.Port, spec.Source.User));
        Assert.Equal(SecretKind.Environment, spec.Source.Password.Kind);
        Assert.Equal("SHOP_DB_PASSWORD", spec.Source.Password.Value);
        Assert.Equal(SourceTlsMode.VerifyFull, spec.Source.Tls);
        Assert.True(spec.Tables.Matches("shop", "customers"));
        Assert.False(spec.Tables.Matches("shop", "tmp_import"));
        Assert.False(spec.Tables.Matches("shop", "audit"));
        Assert.False(spec.Tables.Matches("crm", "customers"));
        Assert.Equal(WriteMode.CopyOnWrite, spec.Target.WriteMode);
        Assert.True(spec.Target.SoftDelete);
        Assert.Equal("orders", spec.Target.Naming.LakeTableName("shop", "orders"));
        Assert.Equal("raw_shop_customers_v1", spec.Target.Naming.LakeTableName("shop", "customers"));
        Assert.Equal(["device_id", "seq"], spec.KeyOverrideFor("shop.events"));
        Assert.Equal((8, 50000L), (spec.Snapshot.Parallelism, spec.Snapshot.ChunkRows));
        Assert.Equal(0, spec.Snapshot.ChunkBytes);
        Assert.Equal(new DateOnly(1970, 1, 1), spec.Types.ZeroDateValue);
        Assert.Equal(TimeMapping.Microseconds, spec.Types.Time);
        Assert.Equal(BitMapping.Binary, spec.Types.MultiBit);
        Assert.Equal(SchemaChangeBehavior.Lenient, spec.SchemaChanges);
    }

    [Fact]
    public void MinimalSpecGetsDocumentedDefaults()
    {
        var spec = JobSpecLoader.Parse("""{"name":"j","source":{"host":"h","user":"u"},"tables":{"include":["db.*"]},"target":{"root":"./lake"}}""");

        Assert.Equal(3306, spec.Source.Port);
        Assert.Equal(SourceTlsMode.Preferred, spec.Source.Tls);
        Assert.Equal(WriteMode.MergeOnRead, spec.Target.WriteMode);
        Assert.False(spec.Target.SoftDelete);
        Assert.Equal(4, spec.Snapshot.Parallelism);
        Assert.Equal(250_000, spec.Snapshot.ChunkRows);
        Assert.Equal(32L * 1024 * 1024, spec.Snapshot.ChunkBytes);
        Assert.Null(spec.Types.ZeroDateValue);
        Assert.Equal(TimeMapping.String, spec.Types.Time);
        Assert.Equal(SchemaChangeBehavior.Evolve, spec.SchemaChanges);
        Assert.Equal(4, spec.Stream.Partitions);
    }

    [Fact]
    public void StreamPartitionsAreReadAndBadOnesAreListedWithTheOtherProblems()
    {
        var spec = JobSpecLoader.Parse("""{"name":"j","source":{"host":"h","user":"u"},"tables":{"include":["db.*"]},"target":{"root":"./lake"},"stream":{"partitions":8}}""");
        Assert.Equal(8, spec.Stream.Partitions);

        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(
            """{"name":"j","source":{"host":"h","user":"u"},"tables":{"include":["db.*"]},"target":{"root":"./lake"},"snapshot":{"parallelism":0},"stream":{"partitions":0,"partitons":2}}"""));
        Assert.Equal(["$.snapshot.parallelism", "$.stream.partitions", "$.stream.partitons"], e.Errors.Select(x => x.Path).Order(StringComparer.Ordinal));
        Assert.Contains("1-64", e.Errors.Single(x => x.Path == "$.stream.partitions").Fix, StringComparison.Ordinal);
        Assert.Contains("did you mean 'partitions'", e.Errors.Single(x => x.Path == "$.stream.partitons").Fix, StringComparison.Ordinal);

        var notObject = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse("""{"name":"j","source":{"host":"h","user":"u"},"tables":{"include":["db.*"]},"target":{"root":"./lake"},"stream":4}"""));
        Assert.Equal("$.stream", Assert.Single(notObject.Errors).Path);
    }

    [Theory]
    [InlineData("""{"parallelism": 2}""", 250_000, 32L * 1024 * 1024)]
    [InlineData("""{"chunkRows": 100000}""", 100_000, 0)]
    [InlineData("""{"chunkRows": 100000, "chunkBytes": 8388608}""", 100_000, 8L * 1024 * 1024)]
    [InlineData("""{"chunkBytes": 0}""", 250_000, 0)]
    public void ChunksAreSizedByBytesUnlessTheSpecSetsOnlyARowCount(string snapshot, long rows, long bytes)
    {
        var spec = JobSpecLoader.Parse($$"""{"name":"j","source":{"host":"h","user":"u"},"tables":{"include":["db.*"]},"target":{"root":"./lake"},"snapshot":{{snapshot}}}""");

        Assert.Equal((rows, bytes), (spec.Snapshot.ChunkRows, spec.Snapshot.ChunkBytes));
    }

    [Fact]
    public void ANegativeChunkByteCountIsRefusedWithTheRange()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse("""{"name":"j","source":{"host":"h","user":"u"},"tables":{"include":["db.*"]},"target":{"root":"./lake"},"snapshot":{"chunkBytes":-1}}"""));

        var error = Assert.Single(e.Errors);
        Assert.Equal("$.snapshot.chunkBytes", error.Path);
        Assert.Contains("32 MiB", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryProblemIsReportedAtOnceWithPathAndFix()
    {
        const string bad = """
            {
              "name": "bad name!",
              "source": { "host": "", "port": 70000, "password": 42, "tls": "sometimes" },
              "tables": { "include": ["noDotHere", 7] },
              "target": { "root": "ftp://x/y", "writeMode": "append", "softDelete": "yes" },
              "keys": { "shop.*": [] },
              "snapshot": { "parallelism": 0, "chunkRows": "many" },
              "tpyes": {},
              "schemaChanges": "adapt"
            }
            """;

        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(bad, "bad.json"));
        var paths = e.Errors.Select(x => x.Path).ToHashSet();

        string[] expected =
        [
            "$.name", "$.source.host", "$.source.port", "$.source.user", "$.source.password", "$.source.tls",
            "$.tables.include[0]", "$.tables.include[1]", "$.target.root", "$.target.writeMode", "$.target.softDelete",
            "$.keys['shop.*']", "$.snapshot.parallelism", "$.snapshot.chunkRows", "$.tpyes", "$.schemaChanges",
        ];
        foreach (var path in expected)
        {
            Assert.Contains(path, paths);
        }

        Assert.All(e.Errors, x =>
        {
            Assert.False(string.IsNullOrWhiteSpace(x.Problem));
            Assert.False(string.IsNullOrWhiteSpace(x.Fix));
        });
        Assert.Contains("did you mean 'types'", e.Errors.Single(x => x.Path == "$.tpyes").Fix, StringComparison.Ordinal);
        Assert.Contains("\"merge-on-read\"", e.Errors.Single(x => x.Path == "$.target.writeMode").Fix, StringComparison.Ordinal);
        Assert.Contains("\"evolve\", \"lenient\", \"ignore\", \"fail\"", e.Errors.Single(x => x.Path == "$.schemaChanges").Fix, StringComparison.Ordinal);
        Assert.Contains("bad.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("$.source.port", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingSectionsAreNamed()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse("{}"));

        Assert.Equal(["$.name", "$.source", "$.tables", "$.target"], e.Errors.Select(x => x.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SyntaxErrorNamesLine()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse("{\n  \"name\": \"x\",\n  \"source\": {,\n}"));

        var error = Assert.Single(e.Errors);
        Assert.Contains("line 3", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateRenameTargetsAreRejected()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(
            """{"name":"j","source":{"host":"h","user":"u"},"tables":{"include":["db.*"]},"target":{"root":"./lake","naming":{"rename":{"db.a":"same","db.b":"same"}}}}"""));

        Assert.Contains(e.Errors, x => x.Path == "$.target.naming.rename['db.b']" && x.Problem.Contains("both renamed", StringComparison.Ordinal));
    }

    [Fact]
    public void OnlyExclusionsIsAnError()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(
            """{"name":"j","source":{"host":"h","user":"u"},"tables":{"include":["!db.x"]},"target":{"root":"./lake"}}"""));

        Assert.Contains(e.Errors, x => x.Path == "$.tables.include" && x.Problem.Contains("only exclusions", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadsFromFile()
    {
        using var dir = new TempDirectory("cdc-jobspec");
        var path = dir.File("job.json");
        File.WriteAllText(path, ValidSpec);

        Assert.Equal("shop-to-lake", JobSpecLoader.LoadFile(path).Name);
        var missing = Assert.Throws<JobSpecException>(() => JobSpecLoader.LoadFile(dir.File("nope.json")));
        Assert.Contains("cannot be read", missing.Errors[0].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretReferencesResolveFromEnvironmentAndFileWithoutLeaking()
    {
        using var dir = new TempDirectory("cdc-secret");
        var file = dir.File("pw");
        File.WriteAllText(file, "from-file\n");
        var variable = "CDC_TEST_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "from-env");
        try
        {
            Assert.Equal("from-env", SecretReference.Parse("env:" + variable).Resolve());
            Assert.Equal("from-file", SecretReference.Parse("file:" + file).Resolve());
            Assert.Equal("env:x", SecretReference.Parse("literal:env:x").Resolve());
            Assert.DoesNotContain("hunter2", SecretReference.Parse("hunter2").ToString(), StringComparison.Ordinal);
            var e = Assert.Throws<JobSpecException>(() => SecretReference.Parse("env:" + variable + "_MISSING").Resolve());
            Assert.Equal("$.source.password", e.Errors[0].Path);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Theory]
    [InlineData("shop.*", "shop", "orders", true)]
    [InlineData("shop.*", "shop2", "orders", false)]
    [InlineData("shop.tmp_*", "shop", "tmp_", true)]
    [InlineData("shop.tmp_*", "shop", "tmp", false)]
    [InlineData("*.orders", "eu", "orders", true)]
    [InlineData("s?op.o*s", "shop", "orders", true)]
    [InlineData("shop.o*s", "shop", "ordersx", false)]
    [InlineData("shop.*a*b*", "shop", "xaxxbx", true)]
    public void TablePatternsGlobOverDatabaseAndTable(string pattern, string db, string table, bool expected) =>
        Assert.Equal(expected, TablePattern.TryParse(pattern, out _)!.Matches(db, table));

    [Fact]
    public void JsonSchemaFileIsValidJsonAndNamesEveryTopLevelField()
    {
        var path = Path.Combine(RepoPaths.Root, "docs", "job.schema.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var properties = doc.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet();

        Assert.Equal("object", doc.RootElement.GetProperty("type").GetString());
        foreach (var field in new[] { "name", "source", "tables", "target", "keys", "snapshot", "types", "stream" })
        {
            Assert.Contains(field, properties);
        }

        // The documented example validates with our validator too.
        var example = doc.RootElement.GetProperty("examples")[0];
        Assert.True(JobSpecValidator.Validate(example).IsValid, string.Join("; ", JobSpecValidator.Validate(example).Errors));
    }
}
