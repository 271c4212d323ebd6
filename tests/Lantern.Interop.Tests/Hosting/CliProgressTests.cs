using System.Globalization;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Hosting;

/// <summary>Issue 14 (CLI comfort): long CLI work shows progress only on a terminal; piped, standard error stays empty.</summary>
public sealed class CliProgressTests
{
    [Fact]
    public async Task ListAndBulkDeleteOfManyMailboxes_Piped_WriteNothingToStandardError()
    {
        await using var server = await LanternProcess.StartAsync(TestConfigs.Minimal);
        using var http = server.CreateAdminClient();

        // More than one page (1000) so the list goes through the loop that reports progress.
        var items = new StringBuilder();
        for (var i = 0; i < 2500; i++)
        {
            items.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"id\":\"{i}@progress\",\"counts\":{{\"voice\":{{\"new\":1}}}}}}");
        }

        using var batch = await http.PostAsync(
            new Uri("api/v1/mailboxes:batch", UriKind.Relative),
            new StringContent("{\"items\":[" + items + "]}", Encoding.UTF8, "application/json"));
        Assert.True(batch.IsSuccessStatusCode, await batch.Content.ReadAsStringAsync());

        string[] login = ["--server", "http://127.0.0.1:" + server.HttpPort.ToString(CultureInfo.InvariantCulture), "--user", "admin", "--password", "pw"];
        var list = await LanternCli.RunAsync(server.Directory, TimeSpan.FromSeconds(60), ["mwi", "list", .. login]);
        Assert.Equal(0, list.ExitCode);
        Assert.Equal(string.Empty, list.Error);
        Assert.Equal(2501, list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var delete = await LanternCli.RunAsync(server.Directory, TimeSpan.FromSeconds(60), ["mwi", "delete", "--like", "@progress$", .. login]);
        Assert.Equal(0, delete.ExitCode);
        Assert.Equal(string.Empty, delete.Error);
        Assert.Equal("deleted 2500", delete.Output.Trim());
    }
}
