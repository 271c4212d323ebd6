using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Lantern.Cli;
using Lantern.Mailboxes;
using Lantern.Tests.Api;

namespace Lantern.Tests.Cli;

public sealed class MwiCommandTests : IClassFixture<ApiTestHost>
{
    private readonly ApiTestHost _host;

    public MwiCommandTests(ApiTestHost host) => _host = host;

    [Fact]
    public async Task Update_ThenShowAndList_PrintsCounts()
    {
        var update = await RunAsync("mwi", "update", "100@cli1", "--new", "3", "--old", "2", "--urgent-new", "1");
        Assert.Equal(0, update.Code);
        Assert.Contains("100@cli1 voice: new 3 old 2 urgent-new 1 urgent-old 0", update.Out, StringComparison.Ordinal);

        // Missing options keep their value.
        var second = await RunAsync("mwi", "update", "100@cli1", "--old", "5");
        Assert.Equal(0, second.Code);
        Assert.Equal(new MessageCounts(3, 5, 1, 0), _host.Mailboxes.Find(MailboxId.Parse("100@cli1"))!.Counts.Voice);

        var show = await RunAsync("mwi", "show", "100@cli1");
        Assert.Equal(0, show.Code);
        Assert.Contains("Waiting  yes", show.Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^voice\s+3\s+5\s+1\s+0$", show.Out);

        var list = await RunAsync("mwi", "list", "--like", "@cli1$");
        Assert.Equal(0, list.Code);
        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^Mailbox\s+New\s+Old\s+UrgNew\s+UrgOld\s+Source\s+Updated$", lines[0]);
        Assert.Matches(@"^100@cli1\s+3\s+5\s+1\s+0\s+api\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$", lines[1]);
        Assert.Equal(lines[0].IndexOf("New", StringComparison.Ordinal), lines[1].IndexOf('3', StringComparison.Ordinal));
    }

    [Fact]
    public async Task History_AfterCliUpdates_ListsThemAsCliActorNewestFirst()
    {
        Assert.Equal(0, (await RunAsync("mwi", "update", "h@cli9", "--new", "2", "--urgent-new", "1")).Code);
        Assert.Equal(0, (await RunAsync("mwi", "update", "h@cli9", "--new", "0", "--old", "2", "--urgent-new", "0")).Code);

        var history = await RunAsync("mwi", "history", "h@cli9");

        Assert.Equal(0, history.Code);
        var lines = history.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^Time\s+Change\s+Actor\s+Version\s+Before\s+After$", lines[0]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+updated\s+cli:admin\s+2\s+voice 2/0 !1/0\s+voice 0/2$", lines[1]);
        Assert.Matches(@"^\S+ \S+\s+created\s+cli:admin\s+1\s+-\s+voice 2/0 !1/0$", lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task History_UnknownMailboxOrBadId_FailsWithMessage()
    {
        var missing = await RunAsync("mwi", "history", "nobody@cli9");
        var bad = await RunAsync("mwi", "history", "a@b@c");

        Assert.NotEqual(0, missing.Code);
        Assert.Contains("no recorded history", missing.Err, StringComparison.Ordinal);
        Assert.NotEqual(0, bad.Code);
        Assert.NotEqual(string.Empty, bad.Err);
    }

    [Fact]
    public async Task Update_OtherClass_KeepsVoice()
    {
        Assert.Equal(0, (await RunAsync("mwi", "update", "101@cli2", "--new", "1")).Code);
        Assert.Equal(0, (await RunAsync("mwi", "update", "101@cli2", "--class", "fax", "--new", "4")).Code);
        var counts = _host.Mailboxes.Find(MailboxId.Parse("101@cli2"))!.Counts;
        Assert.Equal(1, counts.Voice.New);
        Assert.Equal(4, counts.Fax!.Value.New);
    }

    [Fact]
    public async Task ListAndShow_Json_IsMachineReadable()
    {
        Assert.Equal(0, (await RunAsync("mwi", "update", "102@cli3", "--new", "2")).Code);
        var list = await RunAsync("mwi", "list", "--like", "@cli3$", "--json");
        Assert.Equal(0, list.Code);
        using var array = JsonDocument.Parse(list.Out);
        Assert.Equal("102@cli3", array.RootElement[0].GetProperty("id").GetString());

        var show = await RunAsync("mwi", "show", "102@cli3", "--json");
        using var one = JsonDocument.Parse(show.Out);
        Assert.Equal(2, one.RootElement.GetProperty("counts").GetProperty("voice").GetProperty("new").GetInt32());
    }

    [Fact]
    public async Task List_Waiting_OnlyWaitingMailboxes()
    {
        Assert.Equal(0, (await RunAsync("mwi", "update", "w1@cli4", "--new", "1")).Code);
        Assert.Equal(0, (await RunAsync("mwi", "update", "w2@cli4", "--old", "1")).Code);
        var list = await RunAsync("mwi", "list", "--like", "@cli4$", "--waiting", "--json");
        using var array = JsonDocument.Parse(list.Out);
        Assert.Equal(["w1@cli4"], array.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Delete_IdLikeAndAll_PrintCount()
    {
        foreach (var id in new[] { "d1@cli5", "d2@cli5", "d3@cli5" })
        {
            Assert.Equal(0, (await RunAsync("mwi", "update", id, "--new", "1")).Code);
        }

        var one = await RunAsync("mwi", "delete", "d1@cli5");
        Assert.Equal((0, "deleted 1"), (one.Code, one.Out.Trim()));
        var like = await RunAsync("mwi", "delete", "--like", "^d[23]@cli5$");
        Assert.Equal((0, "deleted 2"), (like.Code, like.Out.Trim()));
        Assert.Null(_host.Mailboxes.Find(MailboxId.Parse("d3@cli5")));
    }

    [Fact]
    public async Task ShowAndDelete_Unknown_AreRefusedWithDetail()
    {
        var show = await RunAsync("mwi", "show", "ghost@cli6");
        Assert.Equal(1, show.Code);
        Assert.Contains("404", show.Err, StringComparison.Ordinal);
        Assert.Contains("ghost@cli6", show.Err, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("mwi", "delete", "ghost@cli6")).Code);
    }

    [Fact]
    public async Task Update_ForeignMailbox_IsRefusedNamingOwner()
    {
        await _host.CreateForeignAsync("f@cli7", 1);
        var result = await RunAsync("mwi", "update", "f@cli7", "--new", "0");
        Assert.Equal(1, result.Code);
        Assert.Contains("peer:oldpbx", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_UrgentAboveNew_IsRefused()
    {
        var result = await RunAsync("mwi", "update", "u@cli8", "--new", "1", "--urgent-new", "2");
        Assert.Equal(1, result.Code);
        Assert.Contains("urgentNew", result.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mwi", "update", "x@cli9", "--new", "-1")]
    [InlineData("mwi", "update", "x@cli9", "--new", "abc")]
    [InlineData("mwi", "update", "x@cli9")]
    [InlineData("mwi", "update", "x@cli9", "--new", "1", "--class", "sms")]
    [InlineData("mwi", "update", "bad id", "--new", "1")]
    [InlineData("mwi", "delete")]
    [InlineData("mwi", "delete", "--all")]
    [InlineData("mwi", "delete", "x@cli9", "--like", "x")]
    [InlineData("mwi", "show")]
    [InlineData("mwi", "frobnicate")]
    [InlineData("mwi", "list", "--bogus")]
    public async Task BadUsage_Is2(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.Code == 2, $"exit {result.Code}: {result.Err}");
        Assert.NotEmpty(result.Err);
        Assert.Null(_host.Mailboxes.Find(MailboxId.Parse("x@cli9")));
    }

    [Fact]
    public async Task WrongPassword_IsRefused()
    {
        var result = await RunRawAsync("mwi", "list", "--server", _host.BaseAddress.ToString(), "--user", ApiTestHost.User, "--password", "wrong");
        Assert.Equal(1, result.Code);
        Assert.Contains("401", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableServer_Is3()
    {
        var result = await RunRawAsync("mwi", "list", "--server", $"http://127.0.0.1:{ClosedPort()}", "--user", "a", "--password", "b");
        Assert.Equal(3, result.Code);
        Assert.Contains("cannot reach", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_UnreachableServer_Is3()
    {
        var result = await RunRawAsync("mwi", "watch", "--server", $"http://127.0.0.1:{ClosedPort()}", "--user", "a", "--password", "b");
        Assert.Equal(3, result.Code);
    }

    [Fact]
    public async Task Config_SuppliesServerAndCredentials()
    {
        var file = Path.Combine(Path.GetTempPath(), "lantern-cli-" + Guid.NewGuid().ToString("N") + ".json");
        var listen = $"{_host.BaseAddress.Host}:{_host.BaseAddress.Port}";
        await File.WriteAllTextAsync(file, $$"""
            { "http": { "listen": "{{listen}}", "users": [ { "name": "{{ApiTestHost.User}}", "password": "{{ApiTestHost.Password}}" } ] } }
            """);
        try
        {
            Assert.Equal(0, (await RunAsync("mwi", "update", "c@cli10", "--new", "1")).Code);
            var result = await RunRawAsync("mwi", "show", "c@cli10", "--config", file);
            Assert.True(result.Code == 0, result.Err);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Watch_PrintsChangeThenStopsOnCancel()
    {
        using var output = new SignalingWriter("w@cli11");
        using var error = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var config = new InvocationConfiguration { Output = output, Error = error };
        var watch = LanternCommandLine.RunAsync(WithServer("mwi", "watch", "--like", "@cli11$"), config, cts.Token);

        // The watcher may subscribe after the first write; keep writing (bounded) until it prints one.
        for (var i = 1; i <= 50 && !output.Seen.Task.IsCompleted; i++)
        {
            Assert.Equal(0, (await RunAsync("mwi", "update", "w@cli11", "--new", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).Code);
            await Task.WhenAny(output.Seen.Task, Task.Delay(TimeSpan.FromMilliseconds(200), cts.Token));
        }

        var line = await output.Seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("updated", line, StringComparison.Ordinal);
        await cts.CancelAsync();
        Assert.Equal(0, await watch.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ExternNotify_AsteriskArgumentOrder_NewIncludesUrgent()
    {
        // app_voicemail runs "<externnotify> <context> <extension> <new> <old> <urgent>", new counting INBOX only.
        var result = await RunAsync("mwi", "externnotify", "cli9", "1234", "2", "3", "1");

        Assert.Equal(0, result.Code);
        Assert.Equal(new MessageCounts(3, 3, 1, 0), _host.Mailboxes.Find(MailboxId.Parse("1234@cli9"))!.Counts.Voice);
    }

    [Fact]
    public async Task ExternNotify_PollPath_EmptyContextAndMailboxAtContext()
    {
        // With pollmailboxes=yes app_voicemail passes "" as the context and mailbox@context as the extension.
        Assert.Equal(0, (await RunAsync("mwi", "externnotify", "", "77@cli10", "1", "0", "0")).Code);
        Assert.Equal(new MessageCounts(1, 0, 0, 0), _host.Mailboxes.Find(MailboxId.Parse("77@cli10"))!.Counts.Voice);

        Assert.Equal(0, (await RunAsync("mwi", "externnotify", "", "78", "0", "4", "0")).Code);
        Assert.Equal(new MessageCounts(0, 4, 0, 0), _host.Mailboxes.Find(MailboxId.Parse("78@default"))!.Counts.Voice);
    }

    [Fact]
    public async Task ExternNotify_BadInput_UsageError()
    {
        var bad = await RunAsync("mwi", "externnotify", "cli11", "12 34", "1", "0", "0");
        Assert.Equal(CliExitCodes.Usage, bad.Code);
        Assert.Contains("invalid mailbox id", bad.Err, StringComparison.Ordinal);

        var notANumber = await RunAsync("mwi", "externnotify", "cli11", "1234", "x", "0", "0");
        Assert.NotEqual(0, notANumber.Code);
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => await RunRawAsync(WithServer(args));

    private string[] WithServer(params string[] args) =>
        [.. args, "--server", _host.BaseAddress.ToString(), "--user", ApiTestHost.User, "--password", ApiTestHost.Password];

    private static async Task<(int Code, string Out, string Err)> RunRawAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var code = await LanternCommandLine.RunAsync(args, new InvocationConfiguration { Output = output, Error = error }, cts.Token);
        return (code, output.ToString(), error.ToString());
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Completes <see cref="Seen"/> with the first line that mentions the wanted text.</summary>
    private sealed class SignalingWriter : StringWriter
    {
        private readonly string _wanted;

        public SignalingWriter(string wanted) => _wanted = wanted;

        public TaskCompletionSource<string> Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Task WriteLineAsync(string? value)
        {
            if (value?.Contains(_wanted, StringComparison.Ordinal) == true)
            {
                Seen.TrySetResult(value);
            }

            return base.WriteLineAsync(value);
        }
    }
}
