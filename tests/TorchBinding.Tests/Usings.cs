global using Xunit;
global using Tensor = TorchBinding.torch.Tensor;
