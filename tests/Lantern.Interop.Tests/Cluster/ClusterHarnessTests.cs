using System.Diagnostics;
using System.Net;
using Lantern.Interop.Tests.Infrastructure.Cluster;
using Npgsql;

namespace Lantern.Interop.Tests.Cluster;

/// <summary>The multi-node harness and its fault injector do what they claim (issue 11, tests).</summary>
public sealed class ClusterHarnessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [ClusterFact]
    public async Task TwoNodes_WriteOnOne_ReadOnOther_SurvivesKillAndRestart()
    {
        await using var cluster = await LanternCluster.StartAsync(2);

        var put = await ClusterRest.PutVoiceAsync(cluster[0], "100@default", 3, 1);
        Assert.True(put.Status == HttpStatusCode.OK, put.Body + cluster.Describe());
        await ClusterRest.WaitVoiceAsync(cluster[1], "100@default", "3/1 (0/0)", Deadline);

        await cluster[1].KillAsync();
        Assert.False(cluster[1].IsRunning);
        await cluster[1].StartAsync();
        Assert.Equal("3/1 (0/0)", await ClusterRest.VoiceAsync(cluster[1], "100@default"));
    }

    [ClusterFact]
    public async Task Proxy_DropsCommitReply_CommitHappenedButClientFails()
    {
        await using var postgres = await PrivatePostgres.StartAsync();
        var database = await postgres.CreateDatabaseAsync();
        await using var proxy = PostgresProxy.Start(postgres.Port);
        await using (var direct = new NpgsqlConnection(postgres.ConnectionString(database)))
        {
            await direct.OpenAsync();
            await Exec(direct, "CREATE TABLE t (x int)");
        }

        await using var through = new NpgsqlConnection(proxy.ConnectionString(database) + ";Pooling=false");
        await through.OpenAsync();
        var dropped = proxy.DropNextCommitReply();
        await using var transaction = await through.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO t VALUES (1)", through, transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => transaction.CommitAsync());
        Assert.True(dropped.IsCompleted);
        Assert.Equal(1, proxy.CommitRepliesDropped);

        await using var check = new NpgsqlConnection(postgres.ConnectionString(database));
        await check.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM t", check);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [ClusterFact]
    public async Task Proxy_Freeze_HoldsQueriesUntilThaw()
    {
        await using var postgres = await PrivatePostgres.StartAsync();
        await using var proxy = PostgresProxy.Start(postgres.Port);
        await using var through = new NpgsqlConnection(proxy.ConnectionString("postgres") + ";Pooling=false;Command Timeout=1");
        await through.OpenAsync();

        proxy.Freeze();
        await using var command = new NpgsqlCommand("SELECT 1", through);
        var query = command.ExecuteScalarAsync();
        await Task.Delay(300); // A stand-in for "nothing comes back": the query must still be pending after it.
        Assert.False(query.IsCompleted);
        proxy.Thaw();
        Assert.Equal(1, await query.WaitAsync(Deadline));
    }

    [ClusterFact]
    public async Task Postgres_FreezeAndRestart_AsAdvertised()
    {
        await using var postgres = await PrivatePostgres.StartAsync();
        await using (var before = new NpgsqlConnection(postgres.ConnectionString() + ";Pooling=false;Timeout=1;Command Timeout=1"))
        {
            await before.OpenAsync();
            await postgres.FreezeAsync();
            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await using var command = new NpgsqlCommand("SELECT 1", before);
                await command.ExecuteScalarAsync();
            });
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"a frozen server's query failed after {clock.Elapsed}");
            await postgres.ThawAsync();
        }

        await postgres.RestartAsync();
        await using var after = new NpgsqlConnection(postgres.ConnectionString() + ";Pooling=false");
        await after.OpenAsync();
        await Exec(after, "SELECT 1");
    }

    private static async Task Exec(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
