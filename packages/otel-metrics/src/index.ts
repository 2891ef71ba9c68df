export { AggregatorMetricProducer, type AggregatorMetricProducerOptions } from './producer.js';
