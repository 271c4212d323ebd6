using Lantern.Phones;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lantern.Tests.Phones;

public sealed class PhoneRecordWriterTests
{
    [Fact]
    public async Task PutThenDeleteBeforeFlush_NothingReachesTheStore()
    {
        var store = new InMemoryRecordStore();
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);

        writer.Put("k", "a", "{}", null);
        writer.Delete("k", "a");
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(0, store.CountOf("k"));
        Assert.Equal(0, writer.Pending);
    }

    [Fact]
    public async Task CommittedThenDeleted_DeleteReachesTheStore()
    {
        var store = new InMemoryRecordStore();
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        writer.Put("k", "a", "{\"v\":1}", null);
        writer.Put("k", "a", "{\"v\":2}", null);
        await writer.FlushAsync(CancellationToken.None);
        Assert.Equal("{\"v\":2}", Assert.Single(store.All("k")).Json);

        writer.Delete("k", "a");
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(0, store.CountOf("k"));
    }

    [Fact]
    public async Task MarkedStored_DeleteIsNotSkipped()
    {
        var store = new InMemoryRecordStore();
        await store.PutAsync(new Lantern.Storage.StoredRecord("k", "old", "{}", null), CancellationToken.None);
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);

        writer.MarkStored("k", "old");
        writer.Delete("k", "old");
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(0, store.CountOf("k"));
    }

    [Fact]
    public async Task DeferredPut_PayloadMadeAtWriteFromNewestState()
    {
        var store = new InMemoryRecordStore();
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        var state = new List<int> { 1 };
        var made = 0;
        string Serialize(object o)
        {
            made++;
            return "{\"v\":" + ((List<int>)o).Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}";
        }

        writer.Put("k", "a", state, Serialize, null);
        state.Add(2);
        writer.Put("k", "a", state, Serialize, null);
        Assert.Equal(0, made);
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(1, made);
        Assert.Equal("{\"v\":2}", Assert.Single(store.All("k")).Json);
    }

    [Fact]
    public async Task DeferredPutThenDelete_NeverSerialized()
    {
        var store = new InMemoryRecordStore();
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        var made = 0;
        writer.Put("k", "a", new object(), _ =>
        {
            made++;
            return "{}";
        }, null);
        writer.Delete("k", "a");
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(0, made);
        Assert.Equal(0, store.CountOf("k"));
    }
}
