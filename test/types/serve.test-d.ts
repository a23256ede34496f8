// Type tests for serve() and liteinfer/vision (run by tsd against dist/).
import { expectAssignable, expectError, expectType } from 'tsd';

import { serve, type ModelStatus, type ServeOptions, type Server, Tensor } from '../../dist/index.js';
import { imageToTensor, resolvePreprocess, topK, type Prediction, type PreprocessSpec } from '../../dist/vision.js';

(async () => {
  const server = await serve({ models: ['a.onnx', { name: 'b', path: 'b.onnx' }], port: 0, maxBatch: 8, preprocess: 'imagenet' });
  expectType<Server>(server);
  expectType<string>(server.url);
  expectType<number>(server.port);
  expectType<readonly ModelStatus[]>(server.models);
  expectType<Promise<void>>(server.close());
  expectError(serve({ port: 0 }));
  expectError(serve({ models: 'a.onnx' }));
  expectAssignable<ServeOptions>({ models: ['./models'], labels: { a: 'labels.txt' }, preprocess: { a: { crop: 224 } } });

  expectType<Tensor>(await imageToTensor(new Uint8Array(10), 'imagenet'));
  expectType<Tensor>(await imageToTensor('cat.jpg', { size: 256, crop: [224, 224], layout: 'NHWC' }));
  expectError(imageToTensor('cat.jpg', { layout: 'CHW' }));
  expectAssignable<PreprocessSpec>({ mean: [0, 0, 0], std: [1, 1, 1], channels: 'BGR' });
  expectType<[number, number]>(resolvePreprocess('imagenet').crop);
  expectType<Prediction[]>(topK([1, 2], 1));
})();
