export type Task = 'classification' | 'regression';

/**
 * A table of examples in plain typed arrays. `features` is row-major n×d. A classification
 * target holds class indices (Int32Array) into `classes`; a regression target holds values.
 * Images (IDX files) have no feature names: their d features are the pixels of `imageShape`
 * ([channels, rows, cols]) in row-major order.
 */
export interface Dataset {
  features: Float32Array;
  featureNames: string[];
  imageShape?: number[];
  target: Float32Array | Int32Array;
  targetName: string;
  classes: string[] | null;
  task: Task;
}

export function datasetSize(ds: Dataset): number {
  return ds.target.length;
}

export function featureCount(ds: Dataset): number {
  return ds.imageShape ? ds.imageShape.reduce((a, b) => a * b, 1) : ds.featureNames.length;
}

/** The rows `indices` of `ds`, in that order, as a new Dataset (names and classes shared). */
export function selectRows(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const d = featureCount(ds);
  const features = new Float32Array(indices.length * d);
  const target =
    ds.target instanceof Int32Array
      ? new Int32Array(indices.length)
      : new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    features.set(ds.features.subarray(r * d, r * d + d), i * d);
    target[i] = ds.target[r];
  }
  return { ...ds, features, target };
}
