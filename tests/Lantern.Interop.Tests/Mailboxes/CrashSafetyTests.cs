using System.Net;
using System.Text.Json;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Mailboxes;

/// <summary>Every write acknowledged before a <c>kill -9</c> is there after a restart.</summary>
public sealed class CrashSafetyTests
{
    [Fact]
    public async Task AcknowledgedWrites_SurviveKill9AndRestart()
    {
        var directory = Directory.CreateTempSubdirectory("lantern-crash-").FullName;
        var acknowledged = new Dictionary<string, (int New, int Old)>();
        await using (var server = await LanternProcess.StartAsync(TestConfigs.Minimal, directory))
        {
            using var http = server.CreateAdminClient();

            // Concurrent writers, so group commits are in flight when the process dies.
            var writers = Enumerable.Range(0, 8).Select(async w =>
            {
                for (var i = 0; i < 40; i++)
                {
                    var id = $"{w * 100 + i}@crash";
                    var response = await http.PutAsync(new Uri($"ari/mailboxes/{id}?newMessages={i + 1}&oldMessages={w}", UriKind.Relative), null);
                    if (response.StatusCode == HttpStatusCode.NoContent)
                    {
                        lock (acknowledged)
                        {
                            acknowledged[id] = (i + 1, w);
                        }
                    }
                }
            }).ToList();
            var killAfter = writers[0];
            await killAfter;
            await server.KillAsync();
            await Task.WhenAll(writers.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        Assert.True(acknowledged.Count >= 40, $"only {acknowledged.Count} writes were acknowledged before the kill");
        await using var restarted = await LanternProcess.StartAsync(TestConfigs.Minimal, directory);
        using var client = restarted.CreateAdminClient();
        foreach (var (id, counts) in acknowledged)
        {
            var json = await client.GetStringAsync(new Uri("ari/mailboxes/" + id, UriKind.Relative));
            using var doc = JsonDocument.Parse(json);
            Assert.Equal(counts.New, doc.RootElement.GetProperty("new_messages").GetInt32());
            Assert.Equal(counts.Old, doc.RootElement.GetProperty("old_messages").GetInt32());
        }
    }
}
