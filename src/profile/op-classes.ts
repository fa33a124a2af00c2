// What kind of work an ONNX operator does, because the remedy depends on it: matrix operators
// (MatMul, Conv, attention, recurrent cells) are compute — quantization, a smaller model or a GPU
// cut them; element-wise operators are memory-bound and cheap unless unfused or repeated; data
// movement (Cast, Transpose, Reshape, Gather…) is pure overhead that graph optimization and a
// cleaner export remove; control flow (If/Loop/Scan) runs subgraphs step by step. Pure lookup.

export const OP_CLASSES = ['matrix', 'elementwise', 'data-movement', 'normalization', 'reduction', 'control-flow', 'other'] as const;
export type OpClass = (typeof OP_CLASSES)[number];

const CLASS_OPS: Record<Exclude<OpClass, 'other'>, string[]> = {
  matrix: [
    'MatMul', 'Gemm', 'Conv', 'ConvTranspose', 'FusedConv', 'FusedMatMul', 'FusedGemm', 'Attention', 'MultiHeadAttention', 'GroupQueryAttention',
    'MatMulInteger', 'MatMulIntegerToFloat', 'QLinearMatMul', 'QLinearConv', 'ConvInteger', 'MatMulNBits', 'DynamicQuantizeMatMul', 'QAttention',
    'LSTM', 'GRU', 'RNN', 'Einsum', 'NhwcConv', 'NhwcFusedConv',
  ],
  elementwise: [
    'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Exp', 'Log', 'Tanh', 'Sigmoid', 'Relu', 'LeakyRelu', 'Gelu', 'FastGelu', 'BiasGelu', 'QuickGelu',
    'Erf', 'Abs', 'Neg', 'Clip', 'Min', 'Max', 'Sum', 'Mean', 'Where', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor',
    'Softplus', 'Softsign', 'HardSigmoid', 'HardSwish', 'Elu', 'Selu', 'Celu', 'PRelu', 'ThresholdedRelu', 'Mish', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos',
    'Atan', 'Sinh', 'Cosh', 'Floor', 'Ceil', 'Round', 'Reciprocal', 'Sign', 'Mod', 'BitShift', 'IsNaN', 'IsInf', 'BiasAdd', 'Affine',
    'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear',
  ],
  'data-movement': [
    'Cast', 'Transpose', 'Reshape', 'Concat', 'Split', 'Slice', 'Gather', 'GatherElements', 'GatherND', 'Scatter', 'ScatterElements', 'ScatterND',
    'Expand', 'Tile', 'Pad', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity', 'Shape', 'Size', 'DepthToSpace', 'SpaceToDepth', 'Resize', 'Upsample',
    'MemcpyToHost', 'MemcpyFromHost', 'Compress', 'NonZero', 'ConstantOfShape', 'Range', 'OneHot', 'ReverseSequence', 'CastLike', 'Trilu',
  ],
  normalization: [
    'LayerNormalization', 'SkipLayerNormalization', 'SimplifiedLayerNormalization', 'SkipSimplifiedLayerNormalization', 'BatchNormalization',
    'InstanceNormalization', 'GroupNorm', 'GroupNormalization', 'LpNormalization', 'EmbedLayerNormalization', 'MeanVarianceNormalization', 'RMSNormalization',
  ],
  reduction: [
    'ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare',
    'Softmax', 'LogSoftmax', 'ArgMax', 'ArgMin', 'TopK', 'CumSum', 'GlobalAveragePool', 'GlobalMaxPool', 'AveragePool', 'MaxPool', 'LpPool',
  ],
  'control-flow': ['If', 'Loop', 'Scan'],
};

const BY_OP = new Map<string, OpClass>(Object.entries(CLASS_OPS).flatMap(([cls, ops]) => ops.map((op) => [op, cls as OpClass] as const)));

/** The class of an operator type (`MatMul` → matrix); unknown or custom operators are `other`. */
export function opClass(op: string): OpClass {
  return BY_OP.get(op) ?? 'other';
}
