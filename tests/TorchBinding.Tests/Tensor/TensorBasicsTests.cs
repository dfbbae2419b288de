using static TorchBinding.torch;

namespace TorchBinding.Tests;

public class TensorBasicsTests
{
    [Fact]
    public void Data_round_trips_through_every_dtype()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(new[] { 1.5f, -2f, 3f }, tensor(new[] { 1.5f, -2f, 3f }).data<float>());
        Assert.Equal(new[] { 1.25, 2.5 }, tensor(new[] { 1.25, 2.5 }).data<double>());
        Assert.Equal(new long[] { long.MaxValue, -7 }, tensor(new[] { long.MaxValue, -7L }).data<long>());
        Assert.Equal(new[] { int.MinValue, 4 }, tensor(new[] { int.MinValue, 4 }).data<int>());
        Assert.Equal(new[] { true, false, true }, tensor(new[] { true, false, true }).data<bool>());
        var half = tensor(new[] { 0.5f, 2f, -1f }).to_type(ScalarType.Float16);
        Assert.Equal(ScalarType.Float16, half.dtype);
        Assert.Equal(new[] { 0.5f, 2f, -1f }, half.@float().data<float>());
        var bf = tensor(new[] { 0.5f, 2f }).to_type(ScalarType.BFloat16);
        Assert.Equal(new[] { 0.5f, 2f }, bf.@float().data<float>());
        Assert.Throws<ArgumentException>(() => tensor(new[] { 1f }).data<double>());
    }

    [Fact]
    public void Shapes_and_factories()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        Assert.Equal(new long[] { 2, 3 }, t.shape);
        Assert.Equal(3, t.size(-1));
        Assert.Equal(6, t.numel());
        Assert.Equal(new long[] { 3, 1 }, t.stride());
        Assert.Throws<ArgumentException>(() => tensor(new float[] { 1, 2, 3 }, [2, 2]));
        Assert.Equal(ScalarType.Int64, arange(5).dtype);
        Assert.Equal(ScalarType.Float32, arange(0.0, 1.0, 0.25).dtype);
        Assert.Equal(new float[] { 0, 0.25f, 0.5f, 0.75f }, arange(0.0, 1.0, 0.25).data<float>());
        Assert.Equal(new float[] { 7, 7 }, full([2], 7).data<float>());
        Assert.Equal(new float[] { 1, 0, 0, 1 }, eye(2).data<float>());
        Assert.Equal(ScalarType.Float64, zeros([2], ScalarType.Float64).dtype);
        var r = randint(3, 5, [1000]);
        Assert.True(r.ge(3).all().item<bool>() && r.lt(5).all().item<bool>());
        var u = rand(1000);
        Assert.InRange(u.mean().item<float>(), 0.45f, 0.55f);
        Assert.Equal(new long[] { 2, 3 }, zeros_like(t).shape);
        Assert.Equal(3.5, t.mean().item<double>(), 6);
        Assert.Equal(6L, t.argmax().item<long>() + 1);
    }

    [Fact]
    public void Manual_seed_makes_random_streams_reproducible()
    {
        using var scope = NewDisposeScope();
        manual_seed(123);
        var a = randn(5);
        manual_seed(123);
        var b = randn(5);
        Assert.True(a.equal(b));
        Assert.False(a.equal(randn(5)));
    }

    [Fact]
    public void In_place_ops_and_index_assignment()
    {
        using var scope = NewDisposeScope();
        var t = zeros(2, 3);
        t.add_(1).mul_(3);
        t[0, 1] = tensor(new float[] { 10 }).reshape();
        t.index_put_(-1, 1, TensorIndex.Slice(1));
        Assert.Equal(new float[] { 3, 10, 3, 3, -1, -1 }, t.data<float>());
        var m = ones(3);
        m.addcmul_(tensor(new float[] { 1, 2, 3 }), tensor(new float[] { 2, 2, 2 }), 0.5);
        Assert.Equal(new float[] { 2, 3, 4 }, m.data<float>());
        var pieces = arange(7).split(3);
        Assert.Equal(new[] { 3L, 3L, 1L }, pieces.Select(p => p.numel()));
        Assert.Equal(3, arange(7).chunk(3).Length);
        Assert.Equal(new long[] { 5 }, arange(7).split([2L, 5L])[1].shape);
    }

    [Fact]
    public void Dtype_and_device_conversion()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new float[] { 1.7f, -2.2f });
        Assert.Equal(new long[] { 1, -2 }, t.@long().data<long>());
        Assert.Equal(DeviceType.CPU, t.device.type);
        Assert.Equal("cpu", t.device.ToString());
        Assert.Equal(new Device(DeviceType.CUDA, 1), device("cuda:1"));
        Assert.Throws<ArgumentException>(() => device("tpu"));
        if (!cuda.is_available())
        {
            var ex = Assert.Throws<TorchException>(() => t.to(CUDA));
            Assert.Contains("CUDA", ex.Message, StringComparison.OrdinalIgnoreCase);
        }
        else Assert.Equal(DeviceType.CUDA, t.to(CUDA).device_type);
    }

    [Fact]
    public void Meta_tensors_keep_shape_and_type_and_pinned_memory_needs_a_GPU()
    {
        using var scope = NewDisposeScope();
        var t = ones(2, 3);
        var m = t.to(META);
        Assert.Equal(DeviceType.Meta, m.device_type);
        Assert.Equal("meta", m.device.ToString());
        Assert.Equal(META, device("meta"));
        Assert.Equal(new long[] { 2, 3 }, m.shape);
        Assert.Equal(ScalarType.Float32, m.dtype);
        Assert.Equal(new long[] { 2, 2 }, m.matmul(ones(3, 2).to(META)).shape);   // shapes are computed, values are not
        Assert.False(t.is_pinned());
        if (cuda.is_available())
        {
            var pinned = t.pin_memory();
            Assert.True(pinned.is_pinned());
            Assert.True(pinned.to(null, CUDA, non_blocking: true).cpu().equal(t));
        }
        else Assert.Throws<TorchException>(() => t.pin_memory());   // an error, not a crash
    }

    [Fact]
    public void A_module_moved_to_another_kind_of_device_keeps_its_parameter_objects()
    {
        using var linear = nn.Linear(3, 2);
        var before = linear.parameters().ToList();
        linear.to(META);   // libtorch cannot swap CPU storage for meta in place; the handles are re-pointed instead
        Assert.Equal(before, linear.parameters().ToList());
        Assert.All(before, p => Assert.Equal(DeviceType.Meta, p.device_type));
        Assert.All(before, p => Assert.True(p.requires_grad));
    }
}

public class RngStateTests
{
    [Fact]
    public void Saved_generator_state_replays_the_same_numbers()
    {
        using var scope = NewDisposeScope();
        manual_seed(42);
        randn(10);
        var state = get_rng_state();
        var a = randn(5);
        var d1 = nn.functional.dropout(ones(20), 0.5);
        set_rng_state(state);
        Assert.True(randn(5).equal(a));
        Assert.True(nn.functional.dropout(ones(20), 0.5).equal(d1));
        Assert.Throws<TorchException>(() => set_rng_state(zeros(3)));
    }
}
